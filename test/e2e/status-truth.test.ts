import { WORKER_BEAT_STALE_MS } from '@turbozap/shared/coordination/liveness';
import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster, type RoleProcess } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

// `connected` means a live owner holds an open socket now. After a kill -9 of the owner, the
// status (and the list) may keep saying so only until the dead worker's beat is stale — never
// for a lease TTL while WhatsApp (the simulator) shows the device offline.
const d = await describeWith('postgres', 'redis', 'rabbitmq');
const POLL_MS = 200;
const NAME = 'truth';
const PHONE = '5511844077001';

interface Sample {
  at: number;
  status: string;
  owner: string | null;
  listStatus: string;
  listOwner: string | null;
  online: boolean;
}

/** The longest run of consecutive samples in which the API says connected while the device is offline. */
function longestLie(samples: Sample[], says: (s: Sample) => boolean): number {
  let longest = 0;
  let start: number | undefined;
  for (const s of samples) {
    if (says(s) && !s.online) {
      start ??= s.at;
      longest = Math.max(longest, s.at - start);
    } else start = undefined;
  }
  return longest;
}

d('status tells the truth through a failover', () => {
  const cluster = new Cluster();
  const workers: RoleProcess[] = [];

  beforeAll(async () => {
    await cluster.start();
    await cluster.startRole('api');
    workers.push(await cluster.startRole('session-worker'), await cluster.startRole('session-worker'));
    await cluster.linkInstance(NAME, PHONE);
  }, 180_000);
  afterAll(() => cluster.stop(), 120_000);

  const sample = async (): Promise<Sample> => {
    const at = Date.now();
    const [status, list, account] = await Promise.all([
      cluster.api('GET', `/instance/${NAME}/status`),
      cluster.api('GET', '/instance/list'),
      cluster.sim('GET', `/sim/accounts/${PHONE}`),
    ]);
    const listed = (list.body.data as { name: string; status: string; owner: string | null }[]).find(
      (i) => i.name === NAME,
    );
    return {
      at,
      status: status.body.data.status,
      owner: status.body.data.owner,
      listStatus: listed?.status ?? 'missing',
      listOwner: listed?.owner ?? null,
      online: (account.devices as { online: boolean }[]).some((device) => device.online),
    };
  };

  /** Samples every POLL_MS until `until` returns true for a sample (or the deadline passes). */
  const poll = async (samples: Sample[], until: (s: Sample) => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = await sample();
      samples.push(s);
      if (until(s)) return;
      await new Promise((r) => setTimeout(r, Math.max(0, s.at + POLL_MS - Date.now())));
    }
    throw new Error(`no final state within ${timeoutMs} ms; last: ${JSON.stringify(samples.at(-1))}`);
  };

  test('kill -9 of the owner: never connected while the device is offline for longer than a stale beat', async () => {
    const owner = await waitFor(
      'an owner',
      async () => (await cluster.api('GET', `/instance/${NAME}/status`)).body.data.owner as string | null,
      30_000,
      POLL_MS,
    );
    const victim = workers.find((w) => owner.includes(`-${w.process.pid}-`));
    expect(victim).toBeDefined();

    // An alive owner does not flap: a steady stretch reads connected, owned, online throughout.
    const steady: Sample[] = [];
    const steadyUntil = Date.now() + 2 * WORKER_BEAT_STALE_MS;
    await poll(steady, (s) => s.at >= steadyUntil, 4 * WORKER_BEAT_STALE_MS);
    for (const s of steady) {
      expect(s).toMatchObject({ status: 'connected', owner, listStatus: 'connected', listOwner: owner, online: true });
    }

    const killedAt = Date.now();
    victim?.kill('SIGKILL');
    const samples: Sample[] = [];
    await poll(samples, (s) => s.status === 'connected' && s.owner !== null && s.owner !== owner && s.online, 60_000);

    // The device really was offline for a while: this failover is the case under test.
    expect(samples.filter((s) => !s.online).length).toBeGreaterThan(3);
    // The status may lag the dead owner's last beat by at most the stale threshold; a sample
    // sees the change at most one poll late.
    const bound = WORKER_BEAT_STALE_MS + POLL_MS;
    const timeline = samples.map((s) => ({ ...s, at: s.at - killedAt }));
    const lies = {
      status: longestLie(samples, (s) => s.status === 'connected'),
      list: longestLie(samples, (s) => s.listStatus === 'connected'),
    };
    if (lies.status > bound || lies.list > bound) console.error('timeline (ms after the kill)', timeline);
    expect(lies.status).toBeLessThanOrEqual(bound);
    expect(lies.list).toBeLessThanOrEqual(bound);
    // Without a live owner the answer is connecting with no owner, not the dead worker.
    for (const s of samples.filter((s) => s.at > killedAt + bound)) {
      expect([s.owner, s.listOwner]).not.toContain(owner);
      if (s.owner === null) expect(s.status).not.toBe('connected');
    }
    expect(samples.some((s) => s.status === 'connecting' && s.owner === null)).toBe(true);

    const last = samples.at(-1) as Sample;
    expect(last).toMatchObject({ status: 'connected', online: true });
    expect(last.owner).not.toBe(owner);
    await waitFor('the list agrees on the new owner', async () => (await sample()).listOwner === last.owner, 10_000);
  }, 120_000);
});
