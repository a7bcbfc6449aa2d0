import express from 'express';
import { z } from 'zod';
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
    response: z.object({ ok: z.literal(true) }),
    async handler({ principal }) {
      seen.push(principal);
      return { ok: true as const };
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

test('an answer is held to its response schema where the app checks responses: a field it does not name is a 500', async () => {
  const limits = { readRateLimitRpm: 0, failedAuthPerMinute: 100, failedLookupsPerMinute: 1 };
  const answers: number[] = [];
  for (const checkResponses of [true, false]) {
    const router = express.Router();
    const define = routeDefiner(router, createDeps(api.runtime, limits, { checkResponses }), [] as RouteTable);
    define({
      method: 'get',
      path: '/drifted',
      summary: 'a handler that answers more than its schema says',
      tag: 'test',
      access: 'public',
      response: z.object({ id: z.string() }),
      async handler() {
        const row = { id: 'a', secret: 'leaked' };
        return row;
      },
    });
    const app = express()
      .use(router)
      .use(((_error, _req, res, _next) => res.status(500).end()) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    answers.push((await fetch(`http://127.0.0.1:${port}/drifted`)).status);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  // Production does not pay for the check; every API test runs with it on (testing/harness.ts).
  expect(answers).toEqual([500, 200]);
});
