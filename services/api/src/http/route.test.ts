import express from 'express';
import { createDeps } from '../deps.ts';
import { type ApiHarness, startApi } from '../testing/harness.ts';
import { type HandlerContext, type RouteTable, routeDefiner } from './route.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

test('a public route checks no key and hands its handler no principal (not an admin one)', async () => {
  const router = express.Router();
  const deps = createDeps(api.runtime, { readRateLimitRpm: 0, failedAuthPerMinute: 100, failedLookupsPerMinute: 1 });
  const seen: HandlerContext<undefined, undefined, 'public'>['principal'][] = [];
  routeDefiner(
    router,
    deps,
    [] as RouteTable,
  )({
    method: 'get',
    path: '/open',
    summary: 'a public route',
    tag: 'test',
    access: 'public',
    async handler({ res, principal }) {
      seen.push(principal);
      res.json({ ok: true });
    },
  });
  const server = express().use(router).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    for (const headers of [{}, { 'X-API-Key': api.adminKey }]) {
      expect((await fetch(`http://127.0.0.1:${port}/open`, { headers })).status).toBe(200);
    }
    expect(seen).toEqual([null, null]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
