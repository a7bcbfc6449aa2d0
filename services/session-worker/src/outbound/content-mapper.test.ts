import { randomUUID } from 'node:crypto';
import { type MessageType, messageBodies } from '@turbozap/shared/contracts/message-content';
import type { MessageRow } from '@turbozap/shared/db/schema';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import { acceptedBodies } from '@turbozap/shared/testing/message-bodies';
import { type ContentDeps, toBaileysContent, toJid } from './content-mapper.ts';
import { waMessageIdFor } from './message-id.ts';
import { classifySendError } from './send-errors.ts';

const to = '15550000002@s.whatsapp.net';
const row = (type: string, content: Record<string, unknown>, media_key: string | null = null) => ({
  type,
  content,
  media_key,
  remote_jid: to,
});
const earlier = {
  id: randomUUID(),
  remote_jid: to,
  direction: 'outbound',
  type: 'text',
  wa_message_id: '3EB0AAAA',
  content: { text: 'first' },
} as unknown as MessageRow;
const deps: ContentDeps = {
  loadMedia: async (key) => ({
    bytes: Buffer.from(`bytes of ${key}`),
    contentType: key.endsWith('2') ? 'application/pdf' : 'image/webp',
  }),
  findMessage: async (ref) => (ref === earlier.id || ref === earlier.wa_message_id ? earlier : undefined),
  fetchMedia: async (url) => ({ bytes: Buffer.from(`bytes of ${url}`), contentType: 'image/gif' }),
};

describe('outbound content mapping', () => {
  test('text with mentions, and a quote of an earlier message', async () => {
    const mapped = await toBaileysContent(
      row('text', { text: 'hi', mentions: ['5511999990000'], quoted: earlier.id }),
      deps,
    );
    expect(mapped.content).toEqual({ text: 'hi', mentions: ['5511999990000@s.whatsapp.net'] });
    expect(mapped.quoted?.key).toEqual({ remoteJid: to, fromMe: true, id: '3EB0AAAA' });
  });

  test('media comes from the blob store, typed by media_type, labelled with its stored type unless told', async () => {
    const image = await toBaileysContent(
      row('media', { media_type: 'image', caption: 'c', mimetype: 'image/png' }, 'media/x/1'),
      deps,
    );
    expect(image.content).toMatchObject({
      image: Buffer.from('bytes of media/x/1'),
      caption: 'c',
      mimetype: 'image/png',
    });
    const doc = await toBaileysContent(row('media', { media_type: 'document', filename: 'a.pdf' }, 'media/x/2'), deps);
    expect(doc.content).toMatchObject({
      document: expect.any(Buffer),
      fileName: 'a.pdf',
      mimetype: 'application/pdf',
    });
    const unlabelled = await toBaileysContent(row('media', { media_type: 'image' }, 'media/x/4'), deps);
    expect(unlabelled.content).toMatchObject({ mimetype: 'image/webp' });
    const voice = await toBaileysContent(row('audio', { ptt: true }, 'media/x/3'), deps);
    expect(voice.content).toMatchObject({ ptt: true });
    const audio = await toBaileysContent(row('audio', {}, 'media/x/3'), deps);
    expect(audio.content).toMatchObject({ ptt: false });
    await expect(toBaileysContent(row('sticker', {}), deps)).rejects.toMatchObject({ reason: 'media_missing' });
  });

  test('view_once asks Baileys for the view-once wrapper on images, videos and audio, and only when set', async () => {
    for (const [type, content] of [
      ['media', { media_type: 'image', view_once: true }],
      ['media', { media_type: 'video', view_once: true }],
      ['audio', { view_once: true }],
    ] as const) {
      expect((await toBaileysContent(row(type, content, 'media/x/1'), deps)).content).toMatchObject({ viewOnce: true });
    }
    const plain = await toBaileysContent(row('media', { media_type: 'image' }, 'media/x/1'), deps);
    expect(plain.content).not.toHaveProperty('viewOnce');
  });

  test('a forward is its source sent again: received media from the blob store, marked with one more forward', async () => {
    const received = (type: string, content: Record<string, unknown>, media_key: string | null = null) =>
      ({ id: randomUUID(), direction: 'inbound', type, content, media_key }) as unknown as MessageRow;
    const sources = new Map<string, MessageRow>();
    const forwardOf = async (source: MessageRow) => {
      sources.set(source.id, source);
      const lookup = { ...deps, findMessage: async (ref: string) => sources.get(ref) };
      return (await toBaileysContent(row('forward', { id: source.id }), lookup)).content;
    };
    expect(await forwardOf(received('image', { caption: 'c', mimetype: 'image/png', size: 9 }, 'media/x/1'))).toEqual({
      image: Buffer.from('bytes of media/x/1'),
      caption: 'c',
      mimetype: 'image/png',
      contextInfo: { isForwarded: true, forwardingScore: 1 },
    });
    expect(await forwardOf(received('text', { text: 'hi', forwarded: true, forwarding_score: 3 }))).toEqual({
      text: 'hi',
      contextInfo: { isForwarded: true, forwardingScore: 4 },
    });
    // Our own text: sent again without the mark, its mentions dropped.
    const own = { ...earlier, id: randomUUID(), content: { text: 'mine', mentions: ['1@s.whatsapp.net'] } };
    expect(await forwardOf(own as MessageRow)).toEqual({ text: 'mine' });
    await expect(forwardOf(received('image', { mimetype: 'image/png' }))).rejects.toMatchObject({
      reason: 'invalid_content',
    });
    await expect(forwardOf(received('reaction', { emoji: 'x' }))).rejects.toMatchObject({ reason: 'invalid_content' });
  });

  test('location, contact, poll', async () => {
    expect(
      (await toBaileysContent(row('location', { latitude: -23.5, longitude: -46.6, name: 'SP' }), deps)).content,
    ).toEqual({
      location: { degreesLatitude: -23.5, degreesLongitude: -46.6, name: 'SP' },
    });
    const contact = (
      await toBaileysContent(row('contact', { contacts: [{ name: 'Bob', phone: '+5511999990000' }] }), deps)
    ).content as {
      contacts: { contacts: Array<{ vcard: string }> };
    };
    expect(contact.contacts.contacts[0]?.vcard).toContain('waid=5511999990000');
    expect((await toBaileysContent(row('poll', { name: 'Lunch?', options: ['yes', 'no'] }), deps)).content).toEqual({
      poll: { name: 'Lunch?', values: ['yes', 'no'], selectableCount: 1 },
    });
  });

  test('reaction, edit and delete address the earlier message by our id or its WhatsApp id', async () => {
    const key = { remoteJid: to, fromMe: true, id: '3EB0AAAA' };
    expect((await toBaileysContent(row('reaction', { message_id: earlier.id, emoji: '👍' }), deps)).content).toEqual({
      react: { key, text: '👍' },
    });
    expect((await toBaileysContent(row('edit', { message_id: '3EB0AAAA', text: 'fixed' }), deps)).content).toEqual({
      text: 'fixed',
      edit: key,
    });
    expect((await toBaileysContent(row('delete', { message_id: earlier.id }), deps)).content).toEqual({ delete: key });
    await expect(toBaileysContent(row('delete', { message_id: 'nope' }), deps)).rejects.toMatchObject({
      reason: 'target_not_found',
    });
  });

  test('interactive types degrade to readable text; unknown types are permanent failures', async () => {
    const list = await toBaileysContent(
      row('list', {
        text: 'Pick one',
        button_text: 'Menu',
        sections: [
          {
            title: 'S',
            rows: [
              { id: 'a', title: 'A' },
              { id: 'b', title: 'B' },
            ],
          },
        ],
      }),
      deps,
    );
    expect(list.content).toEqual({ text: 'Pick one\n1. A\n2. B' });
    await expect(toBaileysContent(row('story', {}), deps)).rejects.toMatchObject({ reason: 'unsupported_type' });
    await expect(toBaileysContent(row('text', {}), deps)).rejects.toMatchObject({ reason: 'invalid_content' });
  });

  test('content is read with the schema the API validated it with: no aliases guessed', async () => {
    // What other gateways call these fields is not ours: the message fails rather than go out wrong.
    await expect(toBaileysContent(row('text', { body: 'hi' }), deps)).rejects.toMatchObject({
      reason: 'invalid_content',
    });
    await expect(toBaileysContent(row('poll', { question: 'Q?', values: ['a', 'b'] }), deps)).rejects.toMatchObject({
      reason: 'invalid_content',
    });
    // Fields the row keeps beside the content (the recipient, the stored media's size) are not content.
    expect(
      (await toBaileysContent(row('media', { to, media_size: 9, mimetype: 'image/png' }, 'media/x/1'), deps)).content,
    ).toMatchObject({ image: expect.any(Buffer), mimetype: 'image/png' });
  });

  const accepted = acceptedBodies(earlier.id);

  test.each(Object.entries(accepted))('%s: what the API accepts and stores can be sent', async (type, body) => {
    // As the API stores it: the validated body.
    const content = messageBodies[type as MessageType].parse(body) as Record<string, unknown>;
    const mapped = await toBaileysContent(row(type, content), deps);
    expect(Object.keys(mapped.content).length).toBeGreaterThan(0);
  });

  test('media still given by URL reaches Baileys as the fetched bytes, never as a URL it would fetch', async () => {
    const image = await toBaileysContent(row('media', { media_url: 'https://example.com/a.gif' }), deps);
    expect(image.content).toEqual({ image: Buffer.from('bytes of https://example.com/a.gif'), mimetype: 'image/gif' });
    const refusing = { ...deps, fetchMedia: () => Promise.reject(new PermanentError('invalid_target', 'refused')) };
    await expect(toBaileysContent(row('sticker', { media_url: 'http://127.0.0.1/' }), refusing)).rejects.toMatchObject({
      reason: 'invalid_target',
    });
  });

  test('recipients: digits become phone JIDs, JIDs pass through', () => {
    expect(toJid('+55 (11) 99999-0000')).toBe('5511999990000@s.whatsapp.net');
    expect(toJid('123@g.us')).toBe('123@g.us');
    expect(() => toJid('abc')).toThrow(PermanentError);
  });
});

describe('message ids and send errors', () => {
  test('the WhatsApp id is derived from ours: stable, Baileys-shaped', () => {
    const id = randomUUID();
    expect(waMessageIdFor(id)).toBe(waMessageIdFor(id));
    expect(waMessageIdFor(id)).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(waMessageIdFor(randomUUID())).not.toBe(waMessageIdFor(id));
  });

  test('permanent vs retryable', () => {
    expect(classifySendError(new PermanentError('invalid_content', 'x'))).toEqual({
      permanent: true,
      reason: 'invalid_content',
    });
    expect(
      classifySendError(Object.assign(new Error('not-acceptable'), { output: { statusCode: 406 } })),
    ).toMatchObject({ permanent: true });
    expect(
      classifySendError(Object.assign(new Error('Connection Closed'), { output: { statusCode: 428 } })),
    ).toMatchObject({ permanent: false });
    expect(classifySendError(new Error('timed out'))).toMatchObject({ permanent: false });
  });
});
