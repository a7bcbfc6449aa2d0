import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { describeWith } from '@turbozap/shared/testing/services';
import { eventually, type Harness, startHarness, waitFor } from './testing/harness.ts';

const describePg = await describeWith('postgres');

const ME = '15550000101';
const ALICE = '15550000102';

describePg('session-worker against the WhatsApp simulator', () => {
  let h: Harness;
  let instanceId: string;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    instanceId = await h.createInstance('sales');
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  test('links by QR: QR in coordination and a qrcode.updated event, then status connected with the JID', async () => {
    await h.startWorker('worker-1');
    await h.linkByQr(instanceId, ME);
    await h.waitStatus(instanceId, 'connected');
    const row = await h.instance(instanceId);
    expect(row).toMatchObject({ jid: `${ME}@s.whatsapp.net`, owner_worker: 'worker-1' });
    expect(await h.coordination.getValue(`qr:${instanceId}`)).toBeNull();
    await eventually(
      () => h.events.some((e) => e.event === 'connection.update' && e.data['status'] === 'connected'),
      5_000,
      'connected event',
    );
    expect(h.events.some((e) => e.event === 'qrcode.updated' && typeof e.data['qrcode'] === 'string')).toBe(true);
  }, 30_000);

  test('a text through the outbox reaches the contact, the row goes sent then delivered, with events', async () => {
    const row = await h.sendText(instanceId, ALICE, 'hello Alice from TurboZap');
    await eventually(
      () => h.sim.sim.inbox(ALICE).find((m) => m.text === 'hello Alice from TurboZap'),
      10_000,
      'contact inbox',
    );
    await waitFor(
      async () => (await messagesRepo.get(h.database.db, row.id))?.status === 'delivered',
      10_000,
      'delivered',
    );
    const stored = await messagesRepo.get(h.database.db, row.id);
    // The simulator's receipt can beat our `sent` write; a receipt before `sent` is kept (sending → delivered).
    const history = stored?.history.map((x) => x.status) ?? [];
    expect(history.slice(0, 4)).toEqual(['queued', 'preparing', 'ready', 'sending']);
    expect(history.at(-1)).toBe('delivered');
    expect(stored?.wa_message_id).toMatch(/^3EB0[0-9A-F]{18}$/);
    await eventually(
      () => h.events.find((e) => e.event === 'message.ack' && e.data['id'] === row.id),
      5_000,
      'message.ack',
    );
    const sent = await eventually(
      () => h.events.find((e) => e.event === 'message.sent' && e.data['id'] === row.id),
      5_000,
      'message.sent',
    );
    expect(sent.data).toMatchObject({ wa_message_id: stored?.wa_message_id });
  }, 30_000);

  test('a reply from the contact is stored once, with a message.received event carrying JID and LID', async () => {
    await h.sim.sim.sendText(ALICE, ME, 'hi back from Alice');
    const stored = await waitFor(
      async () =>
        (await messagesRepo.list(h.database.db, { instanceId, limit: 10 })).find((m) => m.direction === 'inbound'),
      10_000,
      'inbound row',
    );
    expect(stored).toMatchObject({
      type: 'text',
      remote_jid: `${ALICE}@s.whatsapp.net`,
      content: { text: 'hi back from Alice' },
    });
    const event = await eventually(
      () => h.events.find((e) => e.event === 'message.received'),
      5_000,
      'message.received',
    );
    expect(event.data).toMatchObject({
      id: stored.id,
      wa_message_id: stored.wa_message_id,
      remote_jid: `${ALICE}@s.whatsapp.net`,
      push_name: 'Alice',
    });
    expect(event.data['remote_lid']).toMatch(/@lid$/);
  }, 30_000);

  test('a restarted worker reconnects from the stored credentials, without a QR', async () => {
    const qrEvents = h.events.filter((e) => e.event === 'qrcode.updated').length;
    const pairings = h.sim.sim.stats().pairings;
    const [first] = h.workersStarted();
    await first!.stop();
    expect(h.sim.sim.stats().connections).toBe(0);
    await h.startWorker('worker-2');
    await h.waitStatus(instanceId, 'connected');
    await waitFor(async () => (await h.instance(instanceId))?.owner_worker === 'worker-2', 5_000, 'owner worker-2');
    expect(h.sim.sim.stats().pairings).toBe(pairings);
    expect(h.events.filter((e) => e.event === 'qrcode.updated').length).toBe(qrEvents);
    // The restored session still sends.
    const row = await h.sendText(instanceId, ALICE, 'after restart');
    await waitFor(
      async () => ['sent', 'delivered', 'read'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent after restart',
    );
    expect(h.sim.sim.inbox(ALICE).some((m) => m.text === 'after restart')).toBe(true);
  }, 30_000);

  test('the phone removing the device: logged_out, credentials deleted, and no reconnect loop', async () => {
    const before = h.sim.sim.stats().connectionsTotal;
    h.sim.sim.removeDevice(ME);
    await h.waitStatus(instanceId, 'logged_out');
    expect(
      await h.database.db.selectFrom('wa_auth_creds').selectAll().where('instance_id', '=', instanceId).execute(),
    ).toEqual([]);
    expect(
      await h.database.db.selectFrom('wa_auth_keys').select('id').where('instance_id', '=', instanceId).execute(),
    ).toEqual([]);
    await eventually(
      () => h.events.find((e) => e.event === 'connection.update' && e.data['status'] === 'logged_out'),
      5_000,
      'logged_out event',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.sim.sim.stats().connectionsTotal).toBe(before);
    expect((await h.instance(instanceId))?.status).toBe('logged_out');
    expect((await h.instance(instanceId))?.desired_state).toBe('connected');
    expect(await h.coordination.getValue(`qr:${instanceId}`)).toBeNull();
  }, 30_000);

  test('connect after logged_out starts a new QR flow and links again', async () => {
    await h.command(instanceId, 'connect');
    await h.linkByQr(instanceId, ME);
    await h.waitStatus(instanceId, 'connected');
  }, 30_000);

  test('desired disconnected closes the socket and keeps the credentials; connect comes back without a QR', async () => {
    await h.command(instanceId, 'disconnect');
    await h.waitStatus(instanceId, 'disconnected');
    await waitFor(async () => (await h.instance(instanceId))?.owner_worker === null, 5_000, 'owner cleared');
    expect(h.sim.sim.stats().connections).toBe(0);
    expect(
      await h.database.db
        .selectFrom('wa_auth_creds')
        .select('instance_id')
        .where('instance_id', '=', instanceId)
        .execute(),
    ).toHaveLength(1);
    const { pairings } = h.sim.sim.stats();
    await h.command(instanceId, 'connect');
    await h.waitStatus(instanceId, 'connected');
    expect(h.sim.sim.stats().pairings).toBe(pairings);
  }, 30_000);

  test('logout: desired state logged_out unlinks the device, deletes credentials and lets the instance go', async () => {
    await h.command(instanceId, 'logout');
    await h.waitStatus(instanceId, 'logged_out');
    await waitFor(async () => (await h.instance(instanceId))?.owner_worker === null, 5_000, 'owner cleared');
    expect(
      await h.database.db.selectFrom('wa_auth_creds').selectAll().where('instance_id', '=', instanceId).execute(),
    ).toEqual([]);
    expect(h.sim.sim.account(ME).devices).toEqual([]);
    expect(h.sim.sim.stats().connections).toBe(0);
  }, 30_000);

  test('connect after a logout (nobody owns the instance any more) links it again by QR', async () => {
    await h.command(instanceId, 'connect');
    await h.linkByQr(instanceId, ME);
    await h.waitStatus(instanceId, 'connected');
  }, 30_000);

  test('metrics: active instances, leases held, messages sent and received, last activity', async () => {
    const id = await h.createInstance('metered');
    await h.linkByQr(id, '15550000103');
    await h.waitStatus(id, 'connected');
    const row = await h.sendText(id, ALICE, 'metered hello');
    await waitFor(
      async () => ['sent', 'delivered'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent',
    );
    const worker = h.workersStarted().at(-1)!;
    const metrics = worker.context!.metrics;
    const value = async (
      m: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> },
      labels: Record<string, string> = {},
    ) => (await m.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    // Two connected instances by now: 'sales' (linked again above) and 'metered'.
    expect(await value(metrics.instancesActive)).toBe(2);
    expect(await value(metrics.leasesHeld)).toBe(2);
    expect(await value(metrics.instanceStatus, { wa_instance: 'metered', status: 'connected' })).toBe(1);
    expect(await value(metrics.messagesSent, { wa_instance: 'metered', type: 'text' })).toBe(1);
    expect(await value(metrics.instanceLastActivity, { wa_instance: 'metered' })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(await value(metrics.eventsPublished, { event: 'connection.update' })).toBeGreaterThan(0);
  }, 30_000);

  test('an instance deleted while connected: the worker unlinks the device and lets go without errors', async () => {
    const id = (
      await h.database.db.selectFrom('instances').select('id').where('name', '=', 'metered').executeTakeFirstOrThrow()
    ).id;
    await h.command(id, 'logout');
    await h.database.db.deleteFrom('instances').where('id', '=', id).execute();
    const worker = h.workersStarted().at(-1)!;
    await waitFor(async () => !worker.manager?.owned.has(id), 10_000, 'instance let go');
    await waitFor(async () => h.sim.sim.account('15550000103').devices.length === 0, 10_000, 'device unlinked');
    // Only the other instance ('sales') is still connected.
    await waitFor(async () => h.sim.sim.stats().connections === 1, 5_000, 'one socket left');
  }, 30_000);
});
