import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

describe('media downloads by presigned URL', () => {
  test('a presigned URL serves the bytes; a tampered one is a 404', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await api.runtime.blobs.put('media/i1/m1', bytes, { contentType: 'image/png' });
    const url = new URL(await api.runtime.blobs.presignedGetUrl('media/i1/m1', 60));
    const res = await fetch(`${api.url}${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    url.searchParams.set('signature', 'AAAA');
    expect((await fetch(`${api.url}${url.pathname}${url.search}`)).status).toBe(404);
    expect((await fetch(`${api.url}/media/media/i1/m1`)).status).toBe(404);
  });
});
