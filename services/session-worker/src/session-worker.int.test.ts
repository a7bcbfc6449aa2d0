import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { describeWith } from '@turbozap/shared/testing/services';
import type { SessionWorker } from './session-worker.ts';
import { eventually, type Harness, startHarness, waitFor } from './testing/harness.ts';

const describePg = await describeWith('postgres');

const ALICE = '15550000102';

// Every test links an instance of its own (its own phone), so one failure stays one failure.
describePg('session-worker against the WhatsApp simulator', () => {
  let h: Harness;
  let workers = 0;
  let phones = 110;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    await h.startWorker(`worker-${++workers}`);
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  const nextPhone = () => `155500001${++phones}`;
  const eventsOf = (id: string) => h.events.filter((e) => e.instance.id === id);
  const ownerOf = async (id: string): Promise<SessionWorker> => {
    const owner = (await h.instance(id))?.owner_worker;
    const worker = h.workersStarted().find((w) => w.id === owner);
    if (!worker) throw new Error(`no running worker owns ${id} (owner_worker: ${owner})`);
    return worker;
  };
  /** A new instance linked by QR to a new phone, connected. */
  const linked = async (name: string): Promise<{ id: string; phone: string }> => {
    const phone = nextPhone();
    const id = await h.createInstance(name);
    await h.linkByQr(id, phone);
    await h.waitStatus(id, 'connected');
    return { id, phone };
  };

  test('links by QR: QR in coordination and a qrcode.updated event, then status connected with the JID', async () => {
    const { id, phone } = await linked('link');
    const row = await h.instance(id);
    expect(row).toMatchObject({ jid: `${phone}@s.whatsapp.net` });
    expect((await ownerOf(id)).id).toBe(row?.owner_worker);
    expect(await h.coordination.getValue(`qr:${id}`)).toBeNull();
    await eventually(
      () => eventsOf(id).some((e) => e.event === 'connection.update' && e.data['status'] === 'connected'),
      5_000,
      'connected event',
    );
    expect(eventsOf(id).some((e) => e.event === 'qrcode.updated' && typeof e.data['qrcode'] === 'string')).toBe(true);
  }, 30_000);

  test('a text through the outbox reaches the contact, the row goes sent then delivered, with events', async () => {
    const { id } = await linked('send');
    const row = await h.sendText(id, ALICE, 'hello Alice from TurboZap');
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
      () => eventsOf(id).find((e) => e.event === 'message.ack' && e.data['id'] === row.id),
      5_000,
      'message.ack',
    );
    const sent = await eventually(
      () => eventsOf(id).find((e) => e.event === 'message.sent' && e.data['id'] === row.id),
      5_000,
      'message.sent',
    );
    expect(sent.data).toMatchObject({ wa_message_id: stored?.wa_message_id });
  }, 30_000);

  test('a reply from the contact is stored once, with a message.received event carrying JID and LID', async () => {
    const { id, phone } = await linked('reply');
    await h.sim.sim.sendText(ALICE, phone, 'hi back from Alice');
    const stored = await waitFor(
      async () =>
        (await messagesRepo.list(h.database.db, { instanceId: id, limit: 10 })).find((m) => m.direction === 'inbound'),
      10_000,
      'inbound row',
    );
    expect(stored).toMatchObject({
      type: 'text',
      remote_jid: `${ALICE}@s.whatsapp.net`,
      content: { text: 'hi back from Alice' },
    });
    const event = await eventually(
      () => eventsOf(id).find((e) => e.event === 'message.received'),
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
    expect(await messagesRepo.list(h.database.db, { instanceId: id, limit: 10 })).toHaveLength(1);
  }, 30_000);

  test('stopped workers have closed their sockets when stop resolves; a new worker reconnects without a QR', async () => {
    const { id, phone } = await linked('restart');
    const qrEvents = eventsOf(id).filter((e) => e.event === 'qrcode.updated').length;
    const { pairings } = h.sim.sim.stats();
    await Promise.all(h.workersStarted().map((w) => w.stop()));
    // A rolling restart relies on this: no socket outlives the stop that closed it.
    expect(h.sim.sim.stats().connections).toBe(0);
    const replacement = `worker-${++workers}`;
    await h.startWorker(replacement);
    await waitFor(async () => (await h.instance(id))?.owner_worker === replacement, 10_000, `owner ${replacement}`);
    // The row still says `connected` from before the stop: the simulator tells when the socket is back.
    await eventually(() => h.sim.sim.connectionsOf(phone) === 1, 10_000, 'reconnected');
    await h.waitStatus(id, 'connected');
    expect(h.sim.sim.stats().pairings).toBe(pairings);
    expect(eventsOf(id).filter((e) => e.event === 'qrcode.updated').length).toBe(qrEvents);
    // The restored session still sends.
    const row = await h.sendText(id, ALICE, 'after restart');
    await waitFor(
      async () => ['sent', 'delivered', 'read'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent after restart',
    );
    expect(h.sim.sim.inbox(ALICE).some((m) => m.text === 'after restart')).toBe(true);
  }, 40_000);

  test('the phone removing the device: logged_out, credentials deleted, and no reconnect loop', async () => {
    const { id, phone } = await linked('removed');
    const worker = await ownerOf(id);
    h.sim.sim.removeDevice(phone);
    await h.waitStatus(id, 'logged_out');
    const before = h.sim.sim.stats().connectionsTotal;
    expect(await h.database.db.selectFrom('wa_auth_creds').selectAll().where('instance_id', '=', id).execute()).toEqual(
      [],
    );
    expect(await h.database.db.selectFrom('wa_auth_keys').select('id').where('instance_id', '=', id).execute()).toEqual(
      [],
    );
    await eventually(
      () => eventsOf(id).find((e) => e.event === 'connection.update' && e.data['status'] === 'logged_out'),
      5_000,
      'logged_out event',
    );
    // A reconnect loop would open new (anonymous, QR-flow) connections: none may come.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.sim.sim.stats().connectionsTotal).toBe(before);
    expect(worker.manager?.owned.get(id)?.socket).toBeUndefined();
    expect((await h.instance(id))?.status).toBe('logged_out');
    expect((await h.instance(id))?.desired_state).toBe('connected');
    expect(await h.coordination.getValue(`qr:${id}`)).toBeNull();
  }, 30_000);

  test('connect after logged_out starts a new QR flow and links again', async () => {
    const { id, phone } = await linked('relink');
    h.sim.sim.removeDevice(phone);
    await h.waitStatus(id, 'logged_out');
    await h.command(id, 'connect');
    await h.linkByQr(id, phone);
    await h.waitStatus(id, 'connected');
    expect(h.sim.sim.connectionsOf(phone)).toBe(1);
  }, 60_000); // links twice: twice the others' budget

  test('desired disconnected closes the socket and keeps the credentials; connect comes back without a QR', async () => {
    const { id, phone } = await linked('pause');
    await h.command(id, 'disconnect');
    await h.waitStatus(id, 'disconnected');
    await waitFor(async () => (await h.instance(id))?.owner_worker === null, 5_000, 'owner cleared');
    expect(h.sim.sim.connectionsOf(phone)).toBe(0);
    expect(
      await h.database.db.selectFrom('wa_auth_creds').select('instance_id').where('instance_id', '=', id).execute(),
    ).toHaveLength(1);
    const { pairings } = h.sim.sim.stats();
    await h.command(id, 'connect');
    await h.waitStatus(id, 'connected');
    expect(h.sim.sim.stats().pairings).toBe(pairings);
  }, 30_000);

  test('logout: desired state logged_out unlinks the device, deletes credentials and lets the instance go', async () => {
    const { id, phone } = await linked('logout');
    await h.command(id, 'logout');
    await h.waitStatus(id, 'logged_out');
    await waitFor(async () => (await h.instance(id))?.owner_worker === null, 5_000, 'owner cleared');
    expect(await h.database.db.selectFrom('wa_auth_creds').selectAll().where('instance_id', '=', id).execute()).toEqual(
      [],
    );
    expect(h.sim.sim.account(phone).devices).toEqual([]);
    expect(h.sim.sim.connectionsOf(phone)).toBe(0);
  }, 30_000);

  test('connect after a logout (nobody owns the instance any more) links it again by QR', async () => {
    const { id, phone } = await linked('comeback');
    await h.command(id, 'logout');
    await h.waitStatus(id, 'logged_out');
    await waitFor(async () => (await h.instance(id))?.owner_worker === null, 5_000, 'owner cleared');
    await h.command(id, 'connect');
    await h.linkByQr(id, phone);
    await h.waitStatus(id, 'connected');
  }, 60_000); // links twice: twice the others' budget

  test('metrics: active instances, leases held, messages sent and received, last activity', async () => {
    const { id } = await linked('metered');
    const row = await h.sendText(id, ALICE, 'metered hello');
    await waitFor(
      async () => ['sent', 'delivered'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent',
    );
    const worker = await ownerOf(id);
    const metrics = h.metricsOf(worker);
    const value = async (
      m: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> },
      labels: Record<string, string> = {},
    ) => (await m.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    // The gauges tell what the worker holds at this moment.
    const owned = [...(worker.manager?.owned.values() ?? [])];
    expect(await value(metrics.leasesHeld)).toBe(owned.length);
    expect(await value(metrics.instancesActive)).toBe(owned.filter((o) => o.connection.status === 'connected').length);
    expect(await value(metrics.instanceStatus, { wa_instance: 'metered', status: 'connected' })).toBe(1);
    expect(await value(metrics.messagesSent, { wa_instance: 'metered', type: 'text' })).toBe(1);
    expect(await value(metrics.instanceLastActivity, { wa_instance: 'metered' })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(await value(metrics.eventsPublished, { event: 'connection.update' })).toBeGreaterThan(0);
  }, 30_000);

  test('an instance deleted while connected: the worker unlinks the device and lets go without errors', async () => {
    const { id, phone } = await linked('deleted');
    const worker = await ownerOf(id);
    await h.command(id, 'logout');
    await h.database.db.deleteFrom('instances').where('id', '=', id).execute();
    await waitFor(async () => !worker.manager?.owned.has(id), 10_000, 'instance let go');
    await waitFor(async () => h.sim.sim.account(phone).devices.length === 0, 10_000, 'device unlinked');
    await waitFor(async () => h.sim.sim.connectionsOf(phone) === 0, 5_000, 'its socket closed');
  }, 30_000);
});
