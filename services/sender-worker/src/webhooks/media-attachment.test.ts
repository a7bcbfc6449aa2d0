import { appendFileSync, mkdtempSync, type ReadStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@turbozap/shared/blobs';
import { withMedia } from './media-attachment.ts';

const maxBytes = 64 * 1024;
let root: string;
let store: FsBlobStore;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tz-attach-'));
  store = new FsBlobStore({ root, publicBaseUrl: 'http://127.0.0.1', secret: Buffer.alloc(32, 7) });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const claim = (key: string) => ({
  include_media_base64: true,
  payload: { event: 'message.received', data: { id: 'm1', media_key: key } },
});

describe('the file attached to a webhook body', () => {
  test('a blob that grows past its stated size while read is cut at the limit, not read to its end', async () => {
    await store.put('grow/file.bin', Buffer.alloc(100, 1), { contentType: 'application/octet-stream' });
    // The store states 100 bytes (the size when it opened the file); 16 MB more land before the read.
    let readable: ReadStream | undefined;
    const lying = {
      get: async (key: string) => {
        const blob = await store.get(key);
        appendFileSync(join(root, 'grow', 'file.bin~blob'), Buffer.alloc(16 * 1024 * 1024, 2));
        readable = blob?.body as ReadStream | undefined;
        return blob;
      },
    };
    const body = await withMedia(claim('grow/file.bin'), { blobs: lying, maxBytes });
    expect(body.data).toEqual({ id: 'm1', media_key: 'grow/file.bin', media_base64_omitted: 'too_large' });
    // Destroyed at the first chunk past the limit: the rest of the 16 MB is never read.
    expect(readable?.destroyed).toBe(true);
    expect(readable?.bytesRead).toBeLessThan(maxBytes + 2 * 64 * 1024);
  });

  test('a blob within the limit is attached whole, with its type', async () => {
    await store.put('ok/small.png', Buffer.from('png bytes'), { contentType: 'image/png' });
    const body = await withMedia(claim('ok/small.png'), { blobs: store, maxBytes });
    expect(body.data).toEqual({
      id: 'm1',
      media_key: 'ok/small.png',
      media_base64: Buffer.from('png bytes').toString('base64'),
      media_mimetype: 'image/png',
    });
  });
});
