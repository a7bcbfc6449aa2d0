import { connect } from 'node:net';
import { MemoryBroker } from '@turbozap/shared/broker';
import { eventRoutingKey, makeEvent } from '@turbozap/shared/contracts/events';
import { exchanges } from '@turbozap/shared/contracts/queues';
import { apiKeysRepo } from '@turbozap/shared/db/repositories/api-keys';
import { receivedData } from '@turbozap/shared/testing/event-data';
import { maxStreamsPerInstance } from '../events-stream/stream-slots.ts';
import { type ApiHarness, startApi } from '../testing/harness.ts';
import { openSse } from '../testing/sse-client.ts';

/** The in-process broker, recording the hub's bindings and able to hold a bind back. */
class WatchedBroker extends MemoryBroker {
  unbound: string[] = [];
  bound: string[] = [];
  holdBinds: Promise<void> | undefined;

  override async bindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.bound.push(pattern);
    await this.holdBinds;
    return super.bindQueue(queue, exchange, pattern);
  }

  override async unbindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.unbound.push(pattern);
    return super.unbindQueue(queue, exchange, pattern);
  }
}

let api: ApiHarness;
let broker: WatchedBroker;
let created = 0;
beforeAll(async () => {
  broker = new WatchedBroker();
  api = await startApi({ runtime: { broker } });
}, 60_000);
afterAll(() => api.close());

/** A fresh instance per test, so streams, bindings and keys of one test never meet another's. */
async function newInstance(): Promise<{ id: string; name: string; key: string }> {
  const name = `sse-${++created}`;
  const { body } = await api.request('POST', '/instance/create', { body: { name } });
  return { id: body.data.instance.id, name, key: body.data.api_key };
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const mint = async (name: string, key: string): Promise<string> =>
  (await api.request('POST', `/instance/${name}/events/token`, { key })).body.data.token;

describe('SSE bounds', () => {
  test('a client that leaves while its stream is being set up leaves no subscription behind', async () => {
    const { id, name, key } = await newInstance();
    let release = () => {};
    broker.holdBinds = new Promise((resolve) => {
      release = resolve;
    });
    const abort = new AbortController();
    const res = await fetch(`${api.url}/instance/${name}/events`, {
      headers: { 'X-API-Key': key },
      signal: abort.signal,
    });
    await until('the bind to start', () => broker.bound.includes(`#.${id}`));
    abort.abort();
    await res.body?.cancel().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    broker.holdBinds = undefined;
    release();
    await until('the binding to be removed', () => broker.unbound.includes(`#.${id}`));
  });

  test('a client that stops reading is disconnected instead of buffered for without bound', async () => {
    const { id, name, key } = await newInstance();
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    socket.write(`GET /instance/${name}/events HTTP/1.1\r\nHost: test\r\nX-API-Key: ${key}\r\n\r\n`);
    socket.pause(); // never reads: the kernel's buffers fill, then the server's
    await until('the stream to subscribe', () => broker.bound.includes(`#.${id}`));
    const big = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 400 && !broker.unbound.includes(`#.${id}`); i++) {
      const event = makeEvent('message.received', { id, name }, receivedData({ text: big }), 'slow', i);
      await broker.publish(exchanges.events, eventRoutingKey(event), Buffer.from(JSON.stringify(event)));
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until('the slow client to be dropped', () => broker.unbound.includes(`#.${id}`));
    socket.destroy();
  }, 60_000);

  test(`at most ${maxStreamsPerInstance} streams per instance: the next is 429 too_many_streams until one closes`, async () => {
    const { name, key } = await newInstance();
    const url = `${api.url}/instance/${name}/events`;
    const open = await Promise.all(
      Array.from({ length: maxStreamsPerInstance }, () => openSse(url, { 'X-API-Key': key })),
    );
    expect(open.map((s) => s.status)).toEqual(open.map(() => 200));
    const refused = await openSse(url, { 'X-API-Key': key });
    await refused.close();
    expect([refused.status, refused.errorCode]).toEqual([429, 'too_many_streams']);
    await open.pop()?.close();
    let again = await openSse(url, { 'X-API-Key': key });
    for (let i = 0; again.status === 429 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await openSse(url, { 'X-API-Key': key });
    }
    expect(again.status).toBe(200);
    await Promise.all([...open, again].map((s) => s.close()));
  });

  test('a stream token opens one stream: a second use is 401', async () => {
    const { name, key } = await newInstance();
    const token = await mint(name, key);
    const first = await fetch(`${api.url}/instance/${name}/events?token=${token}`);
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const second = await openSse(`${api.url}/instance/${name}/events?token=${token}`);
    await second.close();
    expect([second.status, second.errorCode]).toEqual([401, 'unauthorized']);
  });

  test("a stream token stops working when the key that minted it is revoked; the admin key's still works", async () => {
    const { name, key } = await newInstance();
    const token = await mint(name, key);
    const adminToken = await mint(name, api.adminKey);
    const row = await apiKeysRepo.findActive(api.runtime.db, key);
    await apiKeysRepo.revoke(api.runtime.db, row?.id ?? '');
    const revoked = await openSse(`${api.url}/instance/${name}/events?token=${token}`);
    await revoked.close();
    expect([revoked.status, revoked.errorCode]).toEqual([401, 'unauthorized']);
    const admin = await fetch(`${api.url}/instance/${name}/events?token=${adminToken}`);
    expect(admin.status).toBe(200);
    await admin.body?.cancel();
  });
});
