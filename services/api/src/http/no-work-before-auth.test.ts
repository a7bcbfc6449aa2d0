import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { StatementCounter } from '@turbozap/shared/testing/database';
import { type ApiHarness, startApi } from '../testing/harness.ts';

/** Every statement the app sends to the database. */
const queries = new StatementCounter();

const failedAuthPerMinute = 5;
let api: ApiHarness;
let instanceKey: string;
beforeAll(async () => {
  // A clock that stands still: every failure falls in one minute's window, however slow the machine.
  api = await startApi({
    failedAuthPerMinute,
    clock: { now: () => 1_000_000 },
    wrapDb: (db) => db.withPlugin(queries),
  });
  instanceKey = (await api.request('POST', '/instance/create', { body: { name: 'shop' } })).body.data.api_key;
}, 60_000);
afterAll(() => api.close());

/**
 * Sends only a request's head, announcing a body it never sends, and resolves with the status
 * the server answers (rejects when the server waits for the body instead).
 */
function announce(path: string, headers: Record<string, string>): Promise<number> {
  const { port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer without the body: the server is waiting to read it'));
    }, 5_000);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (!status) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(status[1]));
    });
    socket.on('error', reject);
    const head = Object.entries({ Host: 'api', 'Content-Type': 'application/json', ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
  });
}

const fifteenMegabytes = String(15 * 1024 * 1024);
const wellFormedKey = () => `tzk_${randomBytes(24).toString('base64url')}`;
/** Each test its own client address (a proxy on loopback forwards it), so their failures do not add up. */
const from = (address: string) => ({ 'X-Forwarded-For': address });

describe('no work before authentication', () => {
  test('a request announcing a 15 MB body without a key gets its 401 before sending the body', async () => {
    const headers = { 'Content-Length': fifteenMegabytes, ...from('198.51.100.1') };
    expect(await announce('/message/shop/media', headers)).toBe(401);
    expect(await announce('/instance/create', headers)).toBe(401);
  });

  test('with a key, a body over its route limit is a 413 before it is sent; only media routes take BODY_LIMIT', async () => {
    const big = { 'Content-Length': fifteenMegabytes, 'X-API-Key': instanceKey };
    expect(await announce('/message/shop/text', big)).toBe(413);
    expect(await announce('/webhook/shop/set', big)).toBe(413);
    const text = 'x'.repeat(1024 * 1024 + 1);
    const tooBig = await api.request('POST', '/message/shop/text', {
      key: instanceKey,
      body: { to: '5511999990000', text },
    });
    expect([tooBig.status, tooBig.body.error.code]).toEqual([413, 'payload_too_large']);
    const base64 = randomBytes(1536 * 1024).toString('base64');
    const media = await api.request('POST', '/message/shop/media', {
      key: instanceKey,
      body: { to: '5511999990000', base64, mimetype: 'image/png' },
    });
    expect(media.status).toBe(202);
  });

  test('keys of a shape we never issue are refused without a query', async () => {
    const before = queries.count;
    for (const key of ['not-a-key', 'tzk_short', `tzk_${'!'.repeat(32)}`, `tzk_${'a'.repeat(33)}`, 'x'.repeat(600)]) {
      const res = await api.request('GET', '/instance/shop/status', { key, headers: from('198.51.100.2') });
      expect([key, res.status]).toEqual([key, 401]);
    }
    expect(queries.count).toBe(before);
  });

  test('random well-formed keys cost at most one query per allowed failure, then none', async () => {
    const before = queries.count;
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await api.request('GET', '/instance/shop/status', {
        key: wellFormedKey(),
        headers: from('198.51.100.3'),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, failedAuthPerMinute)).toEqual(Array(failedAuthPerMinute).fill(401));
    expect(new Set(statuses.slice(failedAuthPerMinute))).toEqual(new Set([429]));
    expect(queries.count - before).toBeLessThanOrEqual(failedAuthPerMinute);
  });

  test('a wrong key retried is answered from the cache, not the database', async () => {
    const key = wellFormedKey();
    await api.request('GET', '/instance/shop/status', { key, headers: from('198.51.100.4') });
    const before = queries.count;
    for (let i = 0; i < 3; i++)
      await api.request('GET', '/instance/shop/status', { key, headers: from('198.51.100.4') });
    expect(queries.count).toBe(before);
  });
});

describe('the failed-authentication limit', () => {
  test('past the limit an address gets 429 too_many_failed_auth with Retry-After; known keys and other addresses still pass', async () => {
    const attacker = from('203.0.113.7');
    for (let i = 0; i < failedAuthPerMinute; i++) {
      expect((await api.request('GET', '/instance/list', { key: 'wrong', headers: attacker })).status).toBe(401);
    }
    const limited = await api.request('GET', '/instance/list', { key: 'wrong', headers: attacker });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'too_many_failed_auth']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.request('GET', '/instance/list', { key: null, headers: attacker })).status).toBe(429);
    // The admin key (API_KEY) and a key this replica has just seen need no query: they still work.
    expect((await api.request('GET', '/instance/list', { headers: attacker })).status).toBe(200);
    expect((await api.request('GET', '/instance/shop/status', { key: instanceKey })).status).toBe(200);
    expect((await api.request('GET', '/instance/shop/status', { key: instanceKey, headers: attacker })).status).toBe(
      200,
    );
    expect((await api.request('GET', '/instance/list', { key: 'wrong', headers: from('203.0.113.8') })).status).toBe(
      401,
    );
  });

  test('a client cannot pick its own address: X-Forwarded-For counts only from a proxy on a private network', async () => {
    const { createApp } = await import('../app.ts');
    const { createDeps } = await import('../deps.ts');
    const { EventHub } = await import('../events-stream/hub.ts');
    const { app } = createApp({
      deps: createDeps(api.runtime, { readRateLimitRpm: 0, failedAuthPerMinute: 1, failedLookupsPerMinute: 1 }),
      hub: new EventHub(api.runtime),
      readiness: async () => ({}),
    });
    const trusted = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    expect(['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '::1', 'fd00::1'].map((a) => trusted(a, 0))).toEqual(
      Array(6).fill(true),
    );
    expect(['203.0.113.1', '8.8.8.8', '2001:db8::1'].map((a) => trusted(a, 0))).toEqual([false, false, false]);
  });
});
