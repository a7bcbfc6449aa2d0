// WhatsApp's binary node decoding, giving what Baileys' `decodeBinaryNode` gives (the tests compare
// the two) without the two dozen closures Baileys creates for every node of every stanza.
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { type BinaryNode, type JidServer, jidEncode } from '@whiskeysockets/baileys';
import { DOUBLE_BYTE_TOKENS, SINGLE_BYTE_TOKENS, TAGS } from '@whiskeysockets/baileys/lib/WABinary/constants.js';

const inflateAsync = promisify(inflate);
const DOUBLE: readonly (readonly string[])[] = DOUBLE_BYTE_TOKENS;

class Reader {
  index = 0;
  readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  ensure(n: number): void {
    if (this.index + n > this.buffer.length) throw new Error('end of stream');
  }

  byte(): number {
    this.ensure(1);
    return this.buffer[this.index++] as number;
  }

  bytes(n: number): Buffer {
    this.ensure(n);
    const value = this.buffer.subarray(this.index, this.index + n);
    this.index += n;
    return value;
  }

  text(n: number): string {
    this.ensure(n);
    const value = this.buffer.toString('utf8', this.index, this.index + n);
    this.index += n;
    return value;
  }

  /** Big-endian, with Baileys' 32-bit arithmetic. */
  int(n: number): number {
    this.ensure(n);
    let value = 0;
    for (let i = 0; i < n; i++) value |= (this.buffer[this.index++] as number) << ((n - 1 - i) * 8);
    return value;
  }

  int20(): number {
    this.ensure(3);
    const b = this.buffer;
    const value =
      (((b[this.index] as number) & 15) << 16) + ((b[this.index + 1] as number) << 8) + (b[this.index + 2] as number);
    this.index += 3;
    return value;
  }
}

function unpackNibble(value: number): number {
  if (value >= 0 && value <= 9) return 48 + value;
  if (value === 10) return 45; // -
  if (value === 11) return 46; // .
  if (value === 15) return 0;
  throw new Error(`invalid nibble: ${value}`);
}

function unpackHex(value: number): number {
  if (value >= 0 && value < 16) return value < 10 ? 48 + value : 55 + value;
  throw new Error(`invalid hex: ${value}`);
}

function packed(r: Reader, tag: number): string {
  const unpack = tag === TAGS.NIBBLE_8 ? unpackNibble : unpackHex;
  const start = r.byte();
  let value = '';
  for (let i = 0; i < (start & 127); i++) {
    const b = r.byte();
    value += String.fromCharCode(unpack((b & 0xf0) >> 4), unpack(b & 0x0f));
  }
  return start >> 7 !== 0 ? value.slice(0, -1) : value;
}

function listSize(r: Reader, tag: number): number {
  if (tag === TAGS.LIST_EMPTY) return 0;
  if (tag === TAGS.LIST_8) return r.byte();
  if (tag === TAGS.LIST_16) return r.int(2);
  throw new Error(`invalid tag for list size: ${tag}`);
}

function doubleToken(dict: number, index: number): string {
  const tokens = DOUBLE[dict];
  if (!tokens) throw new Error(`Invalid double token dict (${dict})`);
  const value = tokens[index];
  if (value === undefined) throw new Error(`Invalid double token (${index})`);
  return value;
}

const AD_SERVERS: Record<number, JidServer> = { 1: 'lid', 128: 'hosted', 129: 'hosted.lid' };

function jidPair(r: Reader): string {
  const user = string(r, r.byte());
  const server = string(r, r.byte());
  if (server) return `${user || ''}@${server}`;
  throw new Error(`invalid jid pair: ${user}, ${server}`);
}

function adJid(r: Reader): string {
  const domainType = r.byte();
  const device = r.byte();
  const user = string(r, r.byte());
  return jidEncode(user, AD_SERVERS[domainType] ?? 's.whatsapp.net', device);
}

function fbJid(r: Reader): string {
  const user = string(r, r.byte());
  const device = r.int(2);
  return `${user}:${device}@${string(r, r.byte())}`;
}

function interopJid(r: Reader): string {
  const user = string(r, r.byte());
  const device = r.int(2);
  const integrator = r.int(2);
  let server = 'interop';
  const before = r.index;
  try {
    server = string(r, r.byte());
  } catch {
    r.index = before;
  }
  return `${integrator}-${user}:${device}@${server}`;
}

function string(r: Reader, tag: number): string {
  if (tag >= 1 && tag < SINGLE_BYTE_TOKENS.length) return SINGLE_BYTE_TOKENS[tag] || '';
  switch (tag) {
    case TAGS.DICTIONARY_0:
    case TAGS.DICTIONARY_1:
    case TAGS.DICTIONARY_2:
    case TAGS.DICTIONARY_3:
      return doubleToken(tag - TAGS.DICTIONARY_0, r.byte());
    case TAGS.LIST_EMPTY:
      return '';
    case TAGS.BINARY_8:
      return r.text(r.byte());
    case TAGS.BINARY_20:
      return r.text(r.int20());
    case TAGS.BINARY_32:
      return r.text(r.int(4));
    case TAGS.JID_PAIR:
      return jidPair(r);
    case TAGS.FB_JID:
      return fbJid(r);
    case TAGS.INTEROP_JID:
      return interopJid(r);
    case TAGS.AD_JID:
      return adJid(r);
    case TAGS.HEX_8:
    case TAGS.NIBBLE_8:
      return packed(r, tag);
    default:
      throw new Error(`invalid string with tag: ${tag}`);
  }
}

function content(r: Reader, tag: number): BinaryNode['content'] {
  if (tag === TAGS.LIST_EMPTY || tag === TAGS.LIST_8 || tag === TAGS.LIST_16) {
    const size = listSize(r, tag);
    const items: BinaryNode[] = [];
    for (let i = 0; i < size; i++) items.push(decodeNode(r));
    return items;
  }
  if (tag === TAGS.BINARY_8) return r.bytes(r.byte());
  if (tag === TAGS.BINARY_20) return r.bytes(r.int20());
  if (tag === TAGS.BINARY_32) return r.bytes(r.int(4));
  return string(r, tag);
}

function decodeNode(r: Reader): BinaryNode {
  const size = listSize(r, r.byte());
  const tag = string(r, r.byte());
  if (!size || !tag.length) throw new Error('invalid node');
  const attrs: Record<string, string> = {};
  for (let i = 0; i < (size - 1) >> 1; i++) {
    const key = string(r, r.byte());
    attrs[key] = string(r, r.byte());
  }
  // `content` is always present (possibly undefined), as in Baileys' nodes
  return { tag, attrs, content: size % 2 === 0 ? content(r, r.byte()) : undefined };
}

/** Decodes a node without its leading flags byte. */
export function decodeDecompressedBinaryNode(buffer: Buffer): BinaryNode {
  return decodeNode(new Reader(buffer));
}

/** Decodes a frame's payload: a flags byte (2 = zlib-compressed), then the node. */
export async function decodeBinaryNode(buffer: Buffer): Promise<BinaryNode> {
  const body = 2 & (buffer[0] as number) ? await inflateAsync(buffer.subarray(1)) : buffer.subarray(1);
  return decodeDecompressedBinaryNode(body);
}
