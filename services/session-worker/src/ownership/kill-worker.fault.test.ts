import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { describeWith, testServices, uniqueName } from '@turbozap/shared/testing/services';
import { type Harness, startHarness, waitFor } from '../testing/harness.ts';
import { preferenceOrder } from './placement.ts';

const describeReal = await describeWith('postgres', 'redis');
const TTL = 3_000;

/**
 * kill -9 of the owner: nobody releases anything, so the survivor must wait for the lease to
 * expire AND for owner_seen_at to age one TTL — and then take over, with no second socket.
 */
describeReal('a session-worker killed with SIGKILL', () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  const prefix = `${uniqueName('tzkill')}:`;
  const phone = '15550000601';

  beforeAll(async () => {
    h = await startHarness({
      coordination: () => RedisCoordination.connect({ url: testServices.redis, prefix, onError: () => {} }),
    });
  }, 60_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h?.teardown();
  }, 30_000);

  test('the survivor takes over after one lease TTL, from stored credentials, without a conflict', async () => {
    const id = await h.createInstance('killed');
    const script = fileURLToPath(new URL('../testing/worker-process.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script], {
      env: {
        ...process.env,
        SESSION_ENCRYPTION_KEY: h.config().session.keyring[0]!.key.toString('hex'),
        WHATSAPP_SIMULATOR_URL: h.sim.handle.url,
        LOG_LEVEL: 'error',
        TZ_DATABASE_URL: testServices.postgres,
        TZ_DB_SCHEMA: h.database.schema ?? '',
        TZ_REDIS_URL: testServices.redis,
        TZ_REDIS_PREFIX: prefix,
        TZ_WORKER_ID: 'worker-doomed',
        TZ_LEASE_TTL_MS: String(TTL),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
    await h.linkByQr(id, phone);
    await h.waitStatus(id, 'connected');
    expect((await h.instance(id))?.owner_worker).toBe('worker-doomed');

    // A survivor name the instance's rendezvous hash ranks below the doomed worker, so no rebalancing moves it first.
    let name = 'worker-survivor';
    for (
      let i = 0;
      preferenceOrder(id, [
        { id: 'worker-doomed', capacity: 1 },
        { id: name, capacity: 1 },
      ])[0]?.id !== 'worker-doomed';
      i++
    ) {
      name = `worker-survivor-${i}`;
    }
    const survivor = await h.startWorker(name, {
      timings: { leaseTtlMs: TTL, reconcileIntervalMs: 300, unclaimedGraceMs: 2 * TTL, rebalancePerPass: 4 },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(survivor.manager?.owned.size).toBe(0);
    const pairings = h.sim.sim.stats().pairings;

    proc.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => survivor.manager?.owned.get(id)?.socket !== undefined, 20_000, 'survivor connected');
    const took = Date.now() - killedAt;
    // The lease was last renewed up to TTL/3 before the kill, so it can lapse that much sooner.
    expect(took).toBeGreaterThanOrEqual((TTL * 2) / 3 - 500);
    expect(took).toBeLessThan(TTL * 4);
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().pairings).toBe(pairings);
    expect((await h.instance(id))?.owner_worker).toBe(name);
  }, 90_000);
});
