import { restartRedis } from '@turbozap/shared/testing/redis-server';
import { describeWith } from '@turbozap/shared/testing/services';
import { waitFor } from '@turbozap/shared/testing/wait';
import { WaSimulator } from '@turbozap/wa-sim';
import { installFastCurve } from '@turbozap/wa-sim/testing/fast-curve';
import { linkWithQr, reconnect } from '@turbozap/wa-sim/testing/link';
import { trustSimulatorRoot } from '@turbozap/wa-sim/testing/trust';
import { Cluster, type RoleProcess } from '../e2e/support/cluster.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');
const ttlMs = 6000;

d('session ownership across session-worker processes (leases, fencing, failover)', () => {
  const cluster = new Cluster();
  const names = Array.from({ length: 20 }, (_, i) => `own${i}`);
  const workers: RoleProcess[] = [];

  /** Instance name → owner (worker process id), for instances currently connected. */
  const owners = async (): Promise<Map<string, string | null>> => {
    const out = new Map<string, string | null>();
    for (const name of names) {
      const s = (await cluster.api('GET', `/instance/${name}/status`)).body.data;
      out.set(name, s.status === 'connected' ? s.owner : null);
    }
    return out;
  };
  const counts = (m: Map<string, string | null>) => {
    const c = new Map<string, number>();
    for (const o of m.values()) if (o) c.set(o, (c.get(o) ?? 0) + 1);
    return c;
  };
  const allConnected = async (exclude?: string) => {
    const m = await owners();
    return [...m.values()].every((o) => o !== null && o !== exclude) ? m : null;
  };
  const conflicts = async () => (await cluster.sim('GET', '/sim/stats')).conflicts as number;

  beforeAll(async () => {
    await cluster.start();
    await cluster.startRole('api');
    workers.push(await cluster.startRole('session-worker'), await cluster.startRole('session-worker'));
    for (const [i, name] of names.entries()) await cluster.linkInstance(name, `55118440${String(i).padStart(5, '0')}`);
  }, 300_000);
  afterAll(async () => {
    await restartRedis().catch(() => {});
    await cluster.stop();
  }, 120_000);

  test('2 workers, 20 instances: each holds between 8 and 12', async () => {
    const c = await waitFor(
      'balanced placement',
      async () => {
        const m = await allConnected();
        const c = m && counts(m);
        return c && c.size === 2 && [...c.values()].every((n) => n >= 8 && n <= 12) ? c : null;
      },
      60_000,
      500,
    );
    expect([...c.values()].reduce((a, b) => a + b)).toBe(20);
  }, 90_000);

  test('a third worker takes its share; every instance stays connected', async () => {
    workers.push(await cluster.startRole('session-worker'));
    const c = await waitFor(
      'rebalanced onto 3 workers',
      async () => {
        const m = await allConnected();
        const c = m && counts(m);
        // The fair-share cap (ceil(1.25 × 20 / 3) at most, 8 here) bounds the others, so the new
        // worker's rendezvous share is at least 20 − 2 × 8 = 4.
        return c && c.size === 3 && [...c.values()].every((n) => n >= 4 && n <= 9) ? c : null;
      },
      90_000,
      500,
    );
    expect([...c.values()].reduce((a, b) => a + b)).toBe(20);
    expect(await conflicts()).toBe(0);
  }, 120_000);

  test('SIGTERM: the leaving worker hands its instances over in under 3 s', async () => {
    const before = await owners();
    const leaving = workers.pop() as RoleProcess;
    const leavingId = [...counts(before).keys()].find((id) => id.includes(`-${leaving.process.pid}-`));
    expect(leavingId).toBeDefined();
    const started = Date.now();
    leaving.kill('SIGTERM');
    await waitFor('all connected elsewhere', () => allConnected(leavingId), 30_000, 100);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(await conflicts()).toBe(0);
  }, 60_000);

  /**
   * After a kill -9 the lease expires (one TTL), then a survivor claims and logs in. The slow path
   * this rules out is a survivor waiting the unclaimed grace (2 × TTL more, ≥ 3 × TTL in all);
   * 2.5 × TTL leaves a loaded machine room for the logins and for the 20 status reads of each
   * probe (the measured time ends with the probe that saw them all connected).
   */
  const failoverBoundMs = 2.5 * ttlMs;

  test('kill -9: every instance of the dead worker is connected on a survivor within a TTL and the logins', async () => {
    const before = await owners();
    const victim = workers.shift() as RoleProcess;
    const victimId = [...counts(before).keys()].find((id) => id.includes(`-${victim.process.pid}-`));
    const started = Date.now();
    victim.kill('SIGKILL');
    try {
      await waitFor('all connected on the survivor', () => allConnected(victimId), failoverBoundMs, 200);
      expect(Date.now() - started).toBeLessThan(failoverBoundMs);
      expect(await conflicts()).toBe(0);
    } finally {
      // The next test needs two workers, whatever became of this one.
      workers.push(await cluster.startRole('session-worker'));
    }
  }, 60_000);

  // A paused process's sockets stay open on the server side, so the takeover of each of its
  // instances replaces that zombie socket (one 440 to the zombie, counted by the simulator, as
  // WhatsApp would). Zero here would need claims to wait for the server's dead-socket timeout,
  // which would make every kill -9 failover that slow too. What must hold: one replacement per
  // instance at most, the resumed zombie never reconnects (no loop), and the session works.
  test('a paused worker (SIGSTOP past its TTL) loses its instances, and on resume lets go without fighting back', async () => {
    await waitFor(
      'both workers hold some',
      async () => {
        const m = await allConnected();
        return m && counts(m).size === 2;
      },
      60_000,
      500,
    );
    const paused = workers[0] as RoleProcess;
    const held = counts(await owners());
    const pausedId = [...held.keys()].find((id) => id.includes(`-${paused.process.pid}-`)) as string;
    const before = await conflicts();
    paused.kill('SIGSTOP');
    await waitFor('taken over while paused', () => allConnected(pausedId), ttlMs * 3 + 10_000, 300);
    paused.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, ttlMs));
    const afterResume = await conflicts();
    expect(afterResume - before).toBeLessThanOrEqual(held.get(pausedId) ?? 0);
    await new Promise((r) => setTimeout(r, 2 * ttlMs));
    expect(await conflicts()).toBe(afterResume); // the resumed worker does not fight back
    // Once it heartbeats again, placement may hand it instances back gracefully (close, then release).
    await waitFor('all connected', () => allConnected(), 30_000, 300);
    expect(await conflicts()).toBe(afterResume);
    // The session still works: a message from a taken-over instance arrives.
    const contact = '5511844099999';
    await cluster.sim('POST', '/sim/accounts', { phone: contact });
    const name = names[0] as string;
    const sent = await cluster.api('POST', `/message/${name}/text`, { to: contact, text: 'after the pause' });
    expect(sent.status).toBe(202);
    await cluster.startRole('sender-worker');
    await waitFor(
      'message delivered',
      async () => (await cluster.sim('GET', `/sim/accounts/${contact}/inbox`)).length === 1,
      60_000,
      500,
    );
  }, 120_000);

  test('Redis restart (every lease gone, sockets still open): nobody claims twice; all connected within 2 × TTL + 5 s', async () => {
    const before = await conflicts();
    const started = Date.now();
    await restartRedis();
    await new Promise((r) => setTimeout(r, 1000));
    await waitFor('all connected after the Redis restart', () => allConnected(), 2 * ttlMs + 5000, 300);
    expect(Date.now() - started).toBeLessThan(2 * ttlMs + 5000 + 5000);
    await new Promise((r) => setTimeout(r, ttlMs));
    expect(await conflicts()).toBe(before);
  }, 90_000);

  test('positive control: two sockets opened on purpose for one device make the simulator count a conflict', async () => {
    installFastCurve();
    const sim = new WaSimulator();
    const handle = await sim.start({ port: 0 });
    const untrust = trustSimulatorRoot(handle.rootPublicKey);
    try {
      const { client, auth } = await linkWithQr(sim, handle.wsUrl, '5511844088888');
      const second = await reconnect(handle.wsUrl, auth);
      await waitFor('conflict counted', async () => sim.stats().conflicts === 1, 10_000, 100);
      client.end();
      second.end();
    } finally {
      untrust();
      await handle.stop();
    }
  }, 60_000);
});
