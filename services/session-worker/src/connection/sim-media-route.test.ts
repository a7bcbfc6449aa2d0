import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { simulatorMediaRoute } from './sim-media-route.ts';

interface Seen {
  method: string;
  url: string;
  body: string;
}

async function recorder(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('simulator media route', () => {
  let sim: Awaited<ReturnType<typeof recorder>>;
  let other: Awaited<ReturnType<typeof recorder>>;
  beforeAll(async () => {
    sim = await recorder();
    other = await recorder();
  });
  afterAll(() => {
    sim.server.close();
    other.server.close();
  });

  test('downloads from a simulated media host reach the simulator; other hosts are left alone', async () => {
    const route = simulatorMediaRoute(sim.url, ['mmg.whatsapp.net']);
    const media = await fetch('https://mmg.whatsapp.net/v/t62/abc.enc?oh=1', route.fetchOptions);
    expect(media.status).toBe(200);
    expect(sim.seen.at(-1)).toMatchObject({ method: 'GET', url: '/v/t62/abc.enc?oh=1' });
    const count = sim.seen.length;
    await fetch(`${other.url}/elsewhere`, route.fetchOptions);
    expect(other.seen.at(-1)?.url).toBe('/elsewhere');
    expect(sim.seen).toHaveLength(count);
  });

  test('uploads through the https agent reach the simulator over plain HTTP', async () => {
    const route = simulatorMediaRoute(sim.url, ['mmg.whatsapp.net']);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          hostname: 'mmg.whatsapp.net',
          port: 443,
          path: '/mms/image/abc?auth=x',
          method: 'POST',
          agent: route.uploadAgent,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('encrypted bytes');
    });
    expect(status).toBe(200);
    expect(sim.seen.at(-1)).toEqual({ method: 'POST', url: '/mms/image/abc?auth=x', body: 'encrypted bytes' });
  });

  test('only an http simulator URL is accepted', () => {
    expect(() => simulatorMediaRoute('https://sim.example', [])).toThrow(/http/);
  });
});
