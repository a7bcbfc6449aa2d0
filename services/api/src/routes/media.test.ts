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

  test('a path with a broken %-escape is a 4xx with a stable code, never a 500', async () => {
    // Under /media it names no blob; in a route parameter, Express cannot decode it.
    for (const [method, path, status, code] of [
      ['GET', '/media/%E0%A4%A', 404, 'media_not_found'],
      ['GET', '/media/a/%ZZ', 404, 'media_not_found'],
      ['GET', '/instance/%E0%A4%A/status', 400, 'malformed_uri'],
      ['POST', '/api/message/%E0%A4%A/text', 400, 'malformed_uri'],
      ['GET', '/group/x/%E0%A4%A', 400, 'malformed_uri'],
    ] as const) {
      const res = await api.request(method, path, method === 'POST' ? { body: {} } : {});
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
    }
  });
});
