import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let shop: { id: string; key: string };
let other: { key: string };
beforeAll(async () => {
  api = await startApi();
  const created = (name: string) => api.request('POST', '/instance/create', { body: { name } });
  const s = (await created('shop')).body.data;
  shop = { id: s.instance.id, key: s.api_key };
  other = { key: (await created('other')).body.data.api_key };
}, 60_000);
afterAll(() => api.close());

/** A received message as the session-worker stores it, with its media in the blob store. */
async function received(waId: string, content: Record<string, unknown>, media?: { bytes: Buffer; type: string }) {
  const mediaKey = media ? `media/${shop.id}/${waId}` : null;
  if (media) await api.runtime.blobs.put(mediaKey!, media.bytes, { contentType: media.type });
  await messagesRepo.insertInbound(api.runtime.db, {
    instanceId: shop.id,
    remoteJid: '5511988887777@s.whatsapp.net',
    type: media ? 'document' : 'text',
    content,
    waMessageId: waId,
    mediaKey,
  });
  return (await messagesRepo.getByWaId(api.runtime.db, shop.id, waId))!.id;
}

const download = (id: string, key?: string) =>
  fetch(`${api.url}/message/shop/${id}/media`, { headers: { 'X-API-Key': key ?? shop.key } });

describe('GET /message/:name/:id/media', () => {
  test('streams the stored bytes with their type, as an attachment named as sent', async () => {
    const bytes = Buffer.from('%PDF-1.7 a contract');
    const id = await received(
      'M1',
      { filename: 'contract.pdf', mimetype: 'application/pdf' },
      {
        bytes,
        type: 'application/pdf',
      },
    );
    const res = await download(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=contract.pdf');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    // The admin key reads it too.
    expect((await download(id, api.adminKey)).status).toBe(200);
  });

  test('a page a contact sent is served inert: sandboxed, never sniffed, never inline', async () => {
    const id = await received(
      'M2',
      { mimetype: 'text/html' },
      {
        bytes: Buffer.from('<script>fetch("/instance/list")</script>'),
        type: 'text/html',
      },
    );
    const res = await download(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename=${id}`);
  });

  test('a file name a contact chose cannot add a header or escape the quotes', async () => {
    const id = await received(
      'M5',
      { filename: 'évil".html\r\nSet-Cookie: session=1' },
      {
        bytes: Buffer.from('x'),
        type: 'text/plain',
      },
    );
    const res = await download(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition.startsWith('attachment; filename="')).toBe(true);
    expect(disposition).toContain("filename*=UTF-8''%C3%A9vil%22.html");
    expect(disposition).not.toMatch(/[\r\n]/);
  });

  test('no media, no message, another instance: 404 media_not_found, 404 message_not_found, 403', async () => {
    const text = await received('M3', { text: 'hello' });
    const withMedia = await received('M4', {}, { bytes: Buffer.from('x'), type: 'image/png' });
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await code(await download(text))).toEqual([404, 'media_not_found']);
    expect(await code(await download('not-a-uuid'))).toEqual([404, 'message_not_found']);
    expect(await code(await download('6f1c2a9e-0000-4000-8000-000000000000'))).toEqual([404, 'message_not_found']);
    expect(await code(await download(withMedia, other.key))).toEqual([403, 'forbidden']);
    // A blob gone from the store (pruned, deleted by hand) is a 404, not a 500.
    await api.runtime.blobs.delete(`media/${shop.id}/M4`);
    expect(await code(await download(withMedia))).toEqual([404, 'media_not_found']);
  });
});
