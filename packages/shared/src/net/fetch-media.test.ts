import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchMediaOptions, fetchMediaUrl, MediaFetchError } from './fetch-media.ts';

let server: Server;
let base = '';
let closed = '';
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/pic.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(64, 7));
    if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(2048));
    res.writeHead(Number(req.url?.slice(1)) || 404).end('upstream says: secret detail');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gone = createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  closed = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise((resolve) => gone.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const open: FetchMediaOptions = { allowPrivate: true, maxBytes: 1024, timeoutMs: 5_000 };

async function failure(url: string, options = open): Promise<{ reason: string; message: string }> {
  const err = await fetchMediaUrl(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof MediaFetchError)) throw new Error(`expected a MediaFetchError, got ${String(err)}`);
  return { reason: err.reason, message: err.message };
}

describe('fetchMediaUrl', () => {
  test('reads the bytes and their media type', async () => {
    const media = await fetchMediaUrl(`${base}/pic.png`, open);
    expect(media).toEqual({ bytes: Buffer.alloc(64, 7), contentType: 'image/png' });
  });

  test('private targets are refused before any connection, an open port and a closed one alike', async () => {
    hits.length = 0;
    const strict = { ...open, allowPrivate: false };
    const refused = await failure(`${base}/pic.png`, strict);
    expect(refused).toEqual({ reason: 'invalid_target', message: 'the URL points to a private or loopback address' });
    expect(await failure(`${closed}/pic.png`, strict)).toEqual(refused);
    expect(await failure('http://localhost:1/', strict)).toEqual(refused);
    expect(hits).toEqual([]);
  });

  test('whatever the target answers, the caller reads one message: no status, errno or body', async () => {
    const answers = await Promise.all([`${base}/404`, `${base}/503`, `${closed}/x`].map((url) => failure(url)));
    for (const answer of answers)
      expect(answer).toEqual({ reason: 'media_unreachable', message: 'the media could not be fetched' });
  });

  test('a body past MEDIA_MAX_BYTES is refused', async () => {
    expect(await failure(`${base}/big`)).toEqual({
      reason: 'media_too_large',
      message: 'the media is larger than 1024 bytes',
    });
  });

  test('other schemes are refused', async () => {
    expect((await failure('file:///etc/passwd')).reason).toBe('invalid_target');
  });
});
