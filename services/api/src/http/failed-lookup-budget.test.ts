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
// The budget and the key cache read this clock: it stands still unless a test moves it, so
// counts do not depend on how fast a loaded machine runs the loop.
let now = 1_000_000;
const clock = { now: () => now };
let api: ApiHarness;
let instanceKey: string;
let otherKey: string;
beforeAll(async () => {
  api = await startApi({
    failedAuthPerMinute: 5,
    failedLookupsPerMinute,
    clock,
    wrapDb: (db) => db.withPlugin(queries),
  });
  instanceKey = (await api.request('POST', '/instance/create', { body: { name: 'shop' } })).body.data.api_key;
  otherKey = (await api.request('POST', '/instance/create', { body: { name: 'other' } })).body.data.api_key;
  // The replica has just seen the shop's key; the other's only at its creation (not a lookup).
  expect((await api.request('GET', '/instance/shop/status', { key: instanceKey })).status).toBe(200);
}, 60_000);
afterAll(() => api.close());

const wellFormedKey = () => `tzk_${randomBytes(24).toString('base64url')}`;
let nextAddress = 0;
const anotherAddress = () => ({ 'X-Forwarded-For': `198.18.${nextAddress >> 8}.${nextAddress++ & 255}` });

test('random keys from spread addresses: a burst of lookups, then 503 auth_busy without a query', async () => {
  const before = queries.count;
  const answers: Array<[number, string]> = [];
  for (let i = 0; i < 200; i++) {
    const res = await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
    answers.push([res.status, res.body.error.code]);
  }
  expect(queries.count - before).toBe(6);
  expect(answers).toEqual([...Array(6).fill([401, 'unauthorized']), ...Array(194).fill([503, 'auth_busy'])]);

  const refused = await api.request('GET', '/instance/shop/status', {
    key: wellFormedKey(),
    headers: anotherAddress(),
  });
  expect([refused.status, Number(refused.headers.get('retry-after'))]).toEqual([503, 1]);
});

test('while the budget is spent, keys the replica can check from memory still pass', async () => {
  now += 500; // half a lookup refilled: still none to spend
  const before = queries.count;
  for (let i = 0; i < 50; i++) {
    const res = await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
    expect(res.status).toBe(503);
  }
  expect(queries.count - before).toBe(0);
  // The admin key (API_KEY) and the key seen a moment ago answer from memory.
  expect((await api.request('GET', '/instance/list', { headers: anotherAddress() })).status).toBe(200);
  expect((await api.request('GET', '/instance/shop/status', { key: instanceKey })).status).toBe(200);
  // Malformed keys never needed a lookup: still a plain 401.
  const malformed = await api.request('GET', '/instance/shop/status', { key: 'nope', headers: anotherAddress() });
  expect([malformed.status, malformed.body.error.code]).toEqual([401, 'unauthorized']);
});

test('a key that exists spends nothing: once the flood stops, it is checked again', async () => {
  // The documented cost: a key this replica has not seen waits, like the flood, until lookups refill.
  const unseen = await api.request('GET', '/instance/other/status', { key: otherKey });
  expect([unseen.status, unseen.body.error.code]).toEqual([503, 'auth_busy']);
  now += 600; // a lookup refilled (and a little more)
  const before = queries.count;
  expect((await api.request('GET', '/instance/other/status', { key: otherKey })).status).toBe(200);
  expect(queries.count - before).toBeGreaterThanOrEqual(1);
  // Found: the budget is untouched, so the next unknown key still gets its lookup and its 401.
  const next = await api.request('GET', '/instance/shop/status', { key: wellFormedKey(), headers: anotherAddress() });
  expect([next.status, next.body.error.code]).toEqual([401, 'unauthorized']);
});
