import { randomBytes } from 'node:crypto';
import { StatementCounter } from '@turbozap/shared/testing/database';
import { type ApiHarness, startApi } from '../testing/harness.ts';

/**
 * A flood of random well-formed keys, each from another client address (as a botnet behind a
 * trusted proxy would send it): every per-address limit passes, and the replica-wide budget of
 * failed lookups is what keeps the database out of it.
 */
const queries = new StatementCounter();
const failedLookupsPerMinute = 60; // a burst of 6, then one every second
let api: ApiHarness;
let instanceKey: string;
let otherKey: string;
beforeAll(async () => {
  api = await startApi({ failedAuthPerMinute: 5, failedLookupsPerMinute, wrapDb: (db) => db.withPlugin(queries) });
  instanceKey = (await api.request('POST', '/instance/create', { body: { name: 'shop' } })).body.data.api_key;
  otherKey = (await api.request('POST', '/instance/create', { body: { name: 'other' } })).body.data.api_key;
  // The replica has just seen the shop's key; the other's only at its creation (not a lookup).
  expect((await api.request('GET', '/instance/shop/status', { key: instanceKey })).status).toBe(200);
}, 60_000);
afterAll(() => api.close());

const wellFormedKey = () => `tzk_${randomBytes(24).toString('base64url')}`;
let nextAddress = 0;
const anotherAddress = () => ({ 'X-Forwarded-For': `198.18.${nextAddress >> 8}.${nextAddress++ & 255}` });
/** The most lookups the budget allows in `ms` after a burst of `burst`: one a second refills. */
const allowed = (burst: number, ms: number) => burst + Math.ceil(ms / 1000) + 1;

test('random keys from spread addresses: a burst of lookups, then 503 auth_busy without a query', async () => {
  const before = queries.count;
  const started = Date.now();
  const answers: Array<[number, string]> = [];
  for (let i = 0; i < 200; i++) {
    const res = await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
    answers.push([res.status, res.body.error.code]);
  }
  const lookups = queries.count - before;
  const bound = allowed(6, Date.now() - started);
  // 6 at once, plus one a second while the loop runs (however slow the machine).
  expect(lookups).toBeGreaterThanOrEqual(6);
  expect(lookups).toBeLessThanOrEqual(bound);
  expect(answers.slice(0, 6)).toEqual(Array(6).fill([401, 'unauthorized']));
  const busy = answers.filter(([status]) => status === 503);
  expect(busy.length).toBeGreaterThanOrEqual(200 - bound);
  expect(new Set(busy.map(([, code]) => code))).toEqual(new Set(['auth_busy']));

  const refused = await api.request('GET', '/instance/shop/status', {
    key: wellFormedKey(),
    headers: anotherAddress(),
  });
  expect([refused.status, Number(refused.headers.get('retry-after'))]).toEqual([503, 1]);
});

test('while the budget is spent, keys the replica can check from memory still pass', async () => {
  const before = queries.count;
  const started = Date.now();
  for (let i = 0; i < 50; i++) {
    await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
  }
  expect(queries.count - before).toBeLessThanOrEqual(allowed(1, Date.now() - started));
  // The admin key (API_KEY) and the key seen a moment ago answer from memory.
  expect((await api.request('GET', '/instance/list', { headers: anotherAddress() })).status).toBe(200);
  expect((await api.request('GET', '/instance/shop/status', { key: instanceKey })).status).toBe(200);
  // Malformed keys never needed a lookup: still a plain 401.
  const malformed = await api.request('GET', '/instance/shop/status', { key: 'nope', headers: anotherAddress() });
  expect([malformed.status, malformed.body.error.code]).toEqual([401, 'unauthorized']);
});

test('a key that exists spends nothing: once the flood stops, it is checked again', async () => {
  // The documented cost: a key this replica has not seen waits, like the flood, until lookups refill.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const before = queries.count;
  expect((await api.request('GET', '/instance/other/status', { key: otherKey })).status).toBe(200);
  expect(queries.count - before).toBeGreaterThanOrEqual(1);
  // Found: the budget is untouched, so the next unknown key still gets its lookup and its 401.
  const next = await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
  expect([next.status, next.body.error.code]).toEqual([401, 'unauthorized']);
});
