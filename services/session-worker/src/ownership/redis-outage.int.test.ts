import { type ChildProcess, spawn } from 'node:child_process';
import { leaseKeys } from '@turbozap/shared/contracts/kv';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { freePort } from '@turbozap/shared/testing/ports';
import { describeWith } from '@turbozap/shared/testing/services';
import { eventually, type Harness, startHarness, waitFor } from '../testing/harness.ts';

const describePg = await describeWith('postgres');

const CONTACT = '15550000499';
/** Four lease TTLs of the harness (5 s): every lease in Redis has long expired when it answers again. */
const PAUSE_MS = 20_000;

/**
 * A Redis of the test's own, paused with SIGSTOP (it neither answers nor closes a connection)
 * under steady sending: Postgres still renews every owner, so no socket may close — and when
 * Redis answers again, the owners take their (expired) leases back, still one socket per device.
 */
describePg('session-worker through a Redis outage', () => {
  let h: Harness;
  let redis: ChildProcess;
  let url = '';
  const phones = ['15550000401', '15550000402'];
  const ids: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const probe = await waitFor(
      async () => RedisCoordination.connect({ url, prefix: 'tz:', onError: () => {} }).catch(() => undefined),
      10_000,
      'the test Redis',
    );
    await probe.close();
    h = await startHarness({
      coordination: () => RedisCoordination.connect({ url, prefix: 'tz:', onError: () => {} }),
    });
    h.sim.sim.createAccount({ phone: CONTACT });
    for (const [i, phone] of phones.entries()) {
      ids.push(await h.createInstance(`redis-${i}`));
      if (i === 0) await h.startWorker('worker-r');
      await h.linkByQr(ids[i]!, phone);
      await h.waitStatus(ids[i]!, 'connected');
    }
  }, 90_000);
  afterAll(async () => {
    redis?.kill('SIGCONT');
    await h?.teardown();
    redis?.kill('SIGKILL');
  }, 30_000);

  test('paused 20 s under sends: no socket closes, no conflict, every message once; the leases come back', async () => {
    const [worker] = h.workersStarted();
    const { pairings, connectionsTotal } = h.sim.sim.stats();
    let fewest = phones.length;
    const watching = setInterval(() => {
      fewest = Math.min(fewest, h.sim.sim.stats().connections);
    }, 50);
    const texts: string[] = [];
    try {
      redis.kill('SIGSTOP');
      const pausedAt = Date.now();
      for (let n = 0; Date.now() - pausedAt < PAUSE_MS; n++) {
        const text = `during the outage ${n}`;
        texts.push(text);
        await h.sendText(ids[n % ids.length]!, CONTACT, text);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(worker!.manager?.owned.size).toBe(phones.length);
      redis.kill('SIGCONT');
      await eventually(
        () => texts.every((t) => h.sim.sim.inbox(CONTACT).some((m) => m.text === t)),
        30_000,
        'every text at the contact',
      );
    } finally {
      redis.kill('SIGCONT');
      clearInterval(watching);
    }
    expect(fewest).toBe(phones.length);
    expect(h.sim.sim.stats().connectionsTotal).toBe(connectionsTotal);
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().pairings).toBe(pairings);
    const inbox = h.sim.sim.inbox(CONTACT).map((m) => m.text);
    for (const t of texts) expect(inbox.filter((x) => x === t)).toHaveLength(1);
    // The leases expired inside the paused Redis: each owner takes its own back.
    for (const id of ids)
      await waitFor(
        async () => (await h.coordination.leaseHolder(leaseKeys.instance(id))) === 'worker-r',
        15_000,
        'lease back',
      );
    for (const id of ids) expect((await h.instance(id))?.owner_worker).toBe('worker-r');
    const sent = await messagesRepo.list(h.database.db, { instanceId: ids[0]!, limit: 100 });
    expect(sent.every((m) => ['sent', 'delivered', 'read'].includes(m.status))).toBe(true);
  }, 90_000);
});
