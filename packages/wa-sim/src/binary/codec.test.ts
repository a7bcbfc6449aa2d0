import { deflateSync } from 'node:zlib';
import type { BinaryNode } from '@whiskeysockets/baileys';
import * as baileys from '@whiskeysockets/baileys';
import { TAGS } from '@whiskeysockets/baileys/lib/WABinary/constants.js';
import { decodeBinaryNode } from './decode.ts';
import { encodeBinaryNode } from './encode.ts';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'message',
  'receipt',
  'iq',
  'id',
  'to',
  'from',
  'type',
  'result',
  'participants',
  'enc',
  'pkmsg',
  'skmsg',
  'w:gp2',
  'urn:xmpp:whatsapp:dirty',
  'America/Sao_Paulo',
  'mute_v2',
  '1724',
  'profile_picture', // 1- and 2-byte tokens
  '5511988887777@s.whatsapp.net',
  '5511988887777:12@s.whatsapp.net',
  '5511988887777:0@s.whatsapp.net',
  '123456789012345@lid',
  '123456789012345:3@lid',
  '120363025246125486@g.us',
  's.whatsapp.net',
  '@s.whatsapp.net',
  ':1@s.whatsapp.net',
  '5511_1:2@s.whatsapp.net',
  '5511_128:2@hosted',
  '1@hosted.lid',
  'status@broadcast',
  'abc:x@s.whatsapp.net',
  '3EB0C2F1A9D4E5B6',
  '3eb0c2f1a9d4e5b6',
  'ABCDEF0123456789',
  '0123-4567.89',
  '12345',
  '1',
  '-',
  '.',
  '1.2.3',
  'ação 😀 ünïcödé',
  'constructor',
  'toString',
  'x'.repeat(200),
  '9'.repeat(127),
  '9'.repeat(128),
  'A'.repeat(127),
  'A'.repeat(128),
  'y'.repeat(300),
];

function randomNode(next: () => number, depth: number): BinaryNode {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  const attrs: Record<string, string> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) attrs[pick(STRINGS.slice(1, 40))] = pick(STRINGS);
  const kind = next();
  let content: BinaryNode['content'];
  if (kind < 0.25 && depth < 4)
    content = Array.from({ length: Math.floor(next() * 4) }, () => randomNode(next, depth + 1));
  else if (kind < 0.5)
    content = Buffer.from(Array.from({ length: pick([0, 1, 32, 255, 256, 1000]) }, () => next() * 256));
  else if (kind < 0.7) content = pick(STRINGS);
  return { tag: pick(STRINGS.slice(1, 20)), attrs, content };
}

const CORPUS: BinaryNode[] = [
  { tag: 'ack', attrs: { class: 'message', id: '3EB0AB12', from: '5511988887777@s.whatsapp.net', t: '1795940000' } },
  {
    tag: 'message',
    attrs: { id: '3EB0AB12', to: '5521988887777@s.whatsapp.net', type: 'text' },
    content: [
      {
        tag: 'participants',
        attrs: {},
        content: [
          {
            tag: 'to',
            attrs: { jid: '5521988887777@s.whatsapp.net' },
            content: [{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: Buffer.alloc(400, 7) }],
          },
        ],
      },
      { tag: 'device-identity', attrs: {}, content: new Uint8Array(150).fill(3) },
    ],
  },
  {
    tag: 'receipt',
    attrs: { id: 'a', from: '123456789012345@lid' },
    content: [
      {
        tag: 'list',
        attrs: {},
        content: Array.from({ length: 300 }, (_, i) => ({ tag: 'item', attrs: { id: `ID${i}` } })),
      },
    ],
  },
  { tag: 'iq', attrs: { id: '1', type: 'result', skipped: undefined as unknown as string }, content: 'text content' },
  { tag: 'media', attrs: { long: 'z'.repeat(70_000) }, content: Buffer.alloc((1 << 20) + 5, 1) },
  { tag: 'iq', attrs: {}, content: [undefined as unknown as BinaryNode, { tag: 'ping', attrs: {} }] },
];

const both = (n: BinaryNode) => ({ ours: encodeBinaryNode(n), theirs: baileys.encodeBinaryNode(n) });

describe('binary codec (Baileys-compatible)', () => {
  test('encodes stanzas byte for byte as Baileys does, and decodes them to the same nodes', async () => {
    const next = random(42);
    const nodes = [...CORPUS, ...Array.from({ length: 800 }, () => randomNode(next, 0))];
    for (const n of nodes) {
      const { ours, theirs } = both(n);
      expect(ours.equals(theirs)).toBe(true);
      expect(await decodeBinaryNode(theirs)).toStrictEqual(await baileys.decodeBinaryNode(theirs));
    }
  });

  test('decodes compressed frames and the JID forms Baileys never encodes', async () => {
    const fbJid = [
      0,
      TAGS.LIST_8,
      3,
      19 /* any tag */,
      3,
      TAGS.FB_JID,
      252,
      3,
      ...Buffer.from('abc'),
      0,
      7,
      252,
      2,
      ...Buffer.from('fb'),
    ];
    const interop = [0, TAGS.LIST_8, 3, 19, 3, TAGS.INTEROP_JID, 252, 1, 120, 0, 2, 0, 9];
    const node = { tag: 'message', attrs: { from: '5511988887777@s.whatsapp.net' }, content: 'hello' };
    const compressed = Buffer.concat([Buffer.from([2]), deflateSync(baileys.encodeBinaryNode(node).subarray(1))]);
    for (const frame of [Buffer.from(fbJid), Buffer.from(interop), compressed]) {
      expect(await decodeBinaryNode(frame)).toStrictEqual(await baileys.decodeBinaryNode(frame));
    }
  });

  test('rejects what Baileys rejects: truncated frames, unknown tags, nodes without a tag', async () => {
    const whole = both(CORPUS[1] as BinaryNode).theirs;
    for (const frame of [whole.subarray(0, 40), whole.subarray(0, 2), Buffer.from([0, TAGS.LIST_8, 1, 244])]) {
      await expect(baileys.decodeBinaryNode(frame)).rejects.toThrow();
      await expect(decodeBinaryNode(frame)).rejects.toThrow();
    }
    expect(() => encodeBinaryNode({ tag: '', attrs: {} })).toThrow('tag cannot be undefined');
    // the codec's shared buffer is reset after a failure
    expect(both(CORPUS[0] as BinaryNode).ours.equals(both(CORPUS[0] as BinaryNode).theirs)).toBe(true);
  });
});
