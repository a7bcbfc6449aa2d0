import { openDatabase } from '@turbozap/shared/db/database';
import { type ApiHarness, startApi } from '../testing/harness.ts';

describe('database down', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    // Nothing listens on port 1: every query fails at connect time, as when Postgres is down.
    const down = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 2 });
    api = await startApi({ runtime: { db: down.db } });
  }, 60_000);
  afterAll(() => api.close());

  test('a send gets a quick 503 service_unavailable with Retry-After, never a hang or a 500', async () => {
    const started = Date.now();
    const res = await api.request('POST', '/message/any/text', {
      // Well-formed (as generateKey makes them), so only the database can tell it is unknown.
      key: `tzk_${'k'.repeat(32)}`,
      body: { to: '5511999990000', text: 'x' },
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(6000);
    const admin = await api.request('GET', '/instance/list');
    expect(admin.status).toBe(503);
  });
});
