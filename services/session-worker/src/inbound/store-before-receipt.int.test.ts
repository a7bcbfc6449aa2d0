import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { whileRefusing } from '@turbozap/shared/testing/database';
import { describeWith } from '@turbozap/shared/testing/services';
import { sql } from 'kysely';
import { eventually, type Harness, startHarness, waitFor } from '../testing/harness.ts';

const describePg = await describeWith('postgres');

const ME = '15550000801';
const ALICE = '15550000802';

describePg('a received message is stored before its receipt; what cannot be stored is counted', () => {
  let h: Harness;
  let id: string;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    await h.startWorker('worker-inbound');
    id = await h.createInstance('inbound');
    await h.linkByQr(id, ME);
    await h.waitStatus(id, 'connected');
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  const storedText = (text: string) =>
    waitFor(
      async () =>
        (await messagesRepo.list(h.database.db, { instanceId: id, limit: 50 })).find(
          (m) => m.direction === 'inbound' && (m.content as { text?: string }).text === text,
        ),
      10_000,
      `"${text}" stored`,
    );
  /** Stanzas the simulated WhatsApp still holds for our device, for want of a receipt or an ack. */
  const pending = () => h.sim.sim.account(ME).devices.reduce((n, d) => n + d.pending, 0);
  const dropped = async () => {
    const metrics = h.metricsOf(h.workersStarted()[0]!);
    const values = (await metrics.inboundDropped.get()).values;
    return values.find((v) => v.labels.wa_instance === 'inbound' && v.labels.reason === 'unprocessable')?.value ?? 0;
  };

  test('a text with a NUL byte (which jsonb cannot hold) is stored, NUL replaced, with its event', async () => {
    await h.sim.sim.sendText(ALICE, ME, 'nul\u0000inside');
    const row = await storedText('nul\ufffdinside');
    await eventually(
      () => h.events.find((e) => e.event === 'message.received' && e.data['wa_message_id'] === row.wa_message_id),
      5_000,
      'message.received',
    );
    await eventually(() => pending() === 0, 5_000, 'the receipt');
    expect(await dropped()).toBe(0);
  }, 30_000);

  test('a message the database refuses for good is dropped and counted, and does not hold up the next', async () => {
    await whileRefusing(h.database.db, 'messages', sql`content->>'text' IS DISTINCT FROM 'poison'`, async () => {
      await h.sim.sim.sendText(ALICE, ME, 'poison');
      await waitFor(async () => (await dropped()) === 1, 10_000, 'the drop counted');
      await h.sim.sim.sendText(ALICE, ME, 'after the poison');
      await storedText('after the poison');
      // Both acknowledged: the dropped one is not redelivered forever.
      await eventually(() => pending() === 0, 5_000, 'the receipts');
    });
    const rows = await messagesRepo.list(h.database.db, { instanceId: id, limit: 50 });
    expect(rows.filter((m) => (m.content as { text?: string }).text === 'poison')).toEqual([]);
  }, 30_000);
});
