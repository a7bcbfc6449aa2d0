import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WAMessage } from '@whiskeysockets/baileys';
import { byteCap, MediaTooLargeError, mediaDownloadHost } from './media-download.ts';

const image = (url?: string): WAMessage =>
  ({ key: { id: 'X' }, message: { imageMessage: { directPath: '/v/t62/abc', ...(url ? { url } : {}) } } }) as WAMessage;

describe('inbound media download', () => {
  test("WhatsApp's media hosts are kept; a host the sender names elsewhere is refused", () => {
    expect(mediaDownloadHost(image('https://mmg.whatsapp.net/v/t62/abc&mms3=true'))).toBe('mmg.whatsapp.net');
    expect(mediaDownloadHost(image('https://media-gru1-1.cdn.whatsapp.net/v/t62/abc'))).toBe(
      'media-gru1-1.cdn.whatsapp.net',
    );
    expect(mediaDownloadHost(image())).toBe('mmg.whatsapp.net');
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://127.0.0.1:6379/x',
      'https://mmg.whatsapp.net:8443/x',
      'https://whatsapp.net.evil.example/x',
      'http://mmg.whatsapp.net/x',
      'https://user:pw@mmg.whatsapp.net/x',
      'not a url',
    ])
      expect(mediaDownloadHost(image(url))).toBeUndefined();
    // The simulator's own media host, when the worker runs against it.
    expect(mediaDownloadHost(image('https://sim.media.test/v/t62/abc'), new Set(['sim.media.test']))).toBe(
      'sim.media.test',
    );
  });

  test('the cap counts what passes and fails past it, whatever size was declared', async () => {
    const chunks = (n: number) => Readable.from(Array.from({ length: n }, () => Buffer.alloc(1_000)));
    let seen = 0;
    const sink = async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) seen += chunk.length;
    };
    await pipeline(chunks(5), byteCap(5_000), sink);
    expect(seen).toBe(5_000);
    seen = 0;
    await expect(pipeline(chunks(100), byteCap(5_000), sink)).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(seen).toBeLessThanOrEqual(5_000);
  });
});
