import { type ApiHarness, startApi } from '../testing/harness.ts';
import type { RouteTable } from './route.ts';

let api: ApiHarness;
let keyA: string;
let keyB: string;
beforeAll(async () => {
  api = await startApi();
  keyA = (await api.request('POST', '/instance/create', { body: { name: 'alpha' } })).body.data.api_key;
  keyB = (await api.request('POST', '/instance/create', { body: { name: 'beta' } })).body.data.api_key;
}, 60_000);
afterAll(() => api.close());

/** A concrete path for a route template, naming instance `name`. */
const pathFor = (template: string, name: string) =>
  template
    .replace(':name', name)
    .replace(':groupId', '1203630000000@g.us')
    .replace(':jid', '5511999990000')
    .replace(':id', '00000000-0000-4000-8000-000000000000');

const allRoutes = (): RouteTable => api.routes;

describe('access matrix over every route', () => {
  test('without a key every non-public route is 401 unauthorized', async () => {
    for (const route of allRoutes().filter((r) => r.access !== 'public')) {
      const res = await api.request(route.method.toUpperCase(), pathFor(route.path, 'alpha'), {
        key: null,
        body: route.body ? {} : undefined,
      });
      expect([route.method, route.path, res.status, res.body.error?.code]).toEqual([
        route.method,
        route.path,
        401,
        'unauthorized',
      ]);
    }
  });

  test('a wrong key is 401 on every non-public route, via X-API-Key and Bearer alike', async () => {
    for (const route of allRoutes().filter((r) => r.access !== 'public')) {
      const res = await api.request(route.method.toUpperCase(), pathFor(route.path, 'alpha'), {
        key: null,
        headers: { Authorization: 'Bearer not-a-key' },
      });
      expect([route.path, res.status]).toEqual([route.path, 401]);
    }
  });

  test("an instance key gets 403 on another instance's routes and on admin routes", async () => {
    // `key` routes (GET /auth/me) answer any valid key about itself: nothing of another's.
    for (const route of allRoutes().filter((r) => r.access === 'admin' || r.access === 'instance')) {
      const res = await api.request(route.method.toUpperCase(), pathFor(route.path, 'beta'), {
        key: keyA,
        body: route.body ? {} : undefined,
      });
      expect([route.method, route.path, res.status, res.body.error?.code]).toEqual([
        route.method,
        route.path,
        403,
        'forbidden',
      ]);
    }
  });

  test('an instance key gets 403, not 404, for an instance that does not exist (no probing)', async () => {
    const res = await api.request('GET', '/instance/does-not-exist/status', { key: keyA });
    expect(res.status).toBe(403);
  });

  test('an instance key reaches its own instance; Bearer works too', async () => {
    expect((await api.request('GET', '/instance/beta/status', { key: keyB })).status).toBe(200);
    const bearer = await api.request('GET', '/instance/beta/status', {
      key: null,
      headers: { Authorization: `Bearer ${keyB}` },
    });
    expect(bearer.status).toBe(200);
  });

  test('a key created in the database as admin works without a restart', async () => {
    const { apiKeysRepo } = await import('@turbozap/shared/db/repositories/api-keys');
    const { key } = await apiKeysRepo.create(api.runtime.db, 'admin', 'ops');
    expect((await api.request('GET', '/instance/list', { key })).status).toBe(200);
  });
});
