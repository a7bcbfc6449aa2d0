import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createSafeAgent } from './agent.ts';
import { isUnsafeTargetError } from './guard.ts';
import { FetchError, safeGet } from './safe-get.ts';

let server: Server;
let base: string;
let streamed = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/small') {
      res.writeHead(200, { 'content-type': 'image/png; charset=binary' });
      res.end(Buffer.alloc(100, 1));
    } else if (req.url === '/announced-big') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(10_000_000) });
      res.write(Buffer.alloc(1000));
    } else if (req.url === '/endless') {
      // Chunked, no length: the client must stop reading once past the cap.
      res.writeHead(200, { 'content-type': 'image/png' });
      const timer = setInterval(() => {
        streamed += 4096;
        res.write(Buffer.alloc(4096));
      }, 1);
      res.on('close', () => clearInterval(timer));
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/small' });
      res.end();
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else {
      res.writeHead(Number(req.url?.slice(1)) || 404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const allowed = createSafeAgent({ allowPrivate: true });
const strict = createSafeAgent({ allowPrivate: false });
afterAll(() => Promise.all([allowed.close(), strict.close()]));

const get = (path: string, maxBytes = 1000) =>
  safeGet(`${base}${path}`, { agent: allowed, allowPrivate: true, maxBytes, timeoutMs: 5000 });

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof FetchError) return `${err.failure}${err.transient ? ' (transient)' : ''}`;
    if (isUnsafeTargetError(err)) return err.reason;
    throw err;
  }
}

describe('safeGet', () => {
  test('reads a small body with its media type, following a redirect', async () => {
    const result = await get('/redirect');
    expect(result.body.length).toBe(100);
    expect(result.contentType).toBe('image/png');
    expect(result.url).toBe(`${base}/small`);
  });

  test('an announced oversized body is refused before reading it', async () => {
    expect(await failure(get('/announced-big'))).toBe('too_large');
  });

  test('an endless body is cut off just past the cap, not buffered whole', async () => {
    expect(await failure(get('/endless', 64 * 1024))).toBe('too_large');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = streamed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(streamed).toBe(after);
    expect(streamed).toBeLessThan(64 * 1024 * 64);
  });

  test('4xx is permanent, 5xx and 429 are transient, redirect loops stop', async () => {
    expect(await failure(get('/404'))).toBe('http_client_error');
    expect(await failure(get('/503'))).toBe('http_transient (transient)');
    expect(await failure(get('/429'))).toBe('http_transient (transient)');
    expect(await failure(get('/loop'))).toBe('http_client_error');
  });

  test('loopback is refused when private targets are not allowed', async () => {
    const result = safeGet(`${base}/small`, { agent: strict, allowPrivate: false, maxBytes: 1000, timeoutMs: 5000 });
    expect(await failure(result)).toBe('private_address');
  });

  test('the agent itself refuses to connect to a host name resolving to loopback', async () => {
    const url = `${base.replace('127.0.0.1', 'localhost')}/small`;
    const refused = await request(url, { dispatcher: strict }).then(
      () => 'connected',
      (err: unknown) => (isUnsafeTargetError(err) ? 'refused' : String(err)),
    );
    expect(refused).toBe('refused');
    const ok = await request(url, { dispatcher: allowed });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  });
});
