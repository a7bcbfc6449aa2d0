import { describeWith } from '@turbozap/shared/testing/services';
import { sql } from 'kysely';
import { type Harness, startHarness, waitFor } from '../testing/harness.ts';
import { OFFLINE_BACKLOG_HIGH } from './read-pause.ts';

const describePg = await describeWith('postgres');

const ME = '15550000901';
const ALICE = '15550000902';
/** Three times the queue length at which reading stops: WhatsApp delivers them all at login. */
const BACKLOG = 3 * OFFLINE_BACKLOG_HIGH;

describePg('a large offline backlog is read as it is worked off, not all at once', () => {
  let h: Harness;
  let id: string;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    await h.startWorker('worker-backlog');
    id = await h.createInstance('backlog');
    await h.linkByQr(id, ME);
    await h.waitStatus(id, 'connected');
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  test('texts sent while the device was away: reading pauses past the limit, every one is stored once', async () => {
    await h.command(id, 'disconnect');
    await h.waitStatus(id, 'disconnected');
    for (let n = 0; n < BACKLOG; n++) await h.sim.sim.sendText(ALICE, ME, `away-${n}`);

    const metrics = h.metricsOf(h.workersStarted()[0]!);
    const paused = async () => (await metrics.inboundPaused.get()).values[0]?.value ?? 0;
    const counts = async () => {
      const { rows } = await sql<{ total: string; unique: string }>`
        SELECT count(*) AS total, count(DISTINCT content->>'text') AS unique
          FROM messages WHERE instance_id = ${id} AND direction = 'inbound'`.execute(h.database.db);
      return [Number(rows[0]?.total), Number(rows[0]?.unique)];
    };
    let pausedSeen = 0;
    const sampling = new AbortController();
    const sampler = (async () => {
      while (!sampling.signal.aborted) {
        pausedSeen = Math.max(pausedSeen, await paused());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await h.command(id, 'connect');
      await waitFor(async () => (await counts())[1] === BACKLOG, 150_000, `${BACKLOG} texts stored`);
    } finally {
      sampling.abort();
      await sampler;
    }
    expect(await counts()).toEqual([BACKLOG, BACKLOG]);
    // Reading stopped while the backlog was long, and started again.
    expect(pausedSeen).toBe(1);
    expect(await paused()).toBe(0);
  }, 200_000);
});
