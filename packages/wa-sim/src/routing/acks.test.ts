import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const ME = '15550009001';
const BOB = '15550009002';
const ALICE = '15550009003';
const CAROL = '15550009004';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

describe('steady state: Baileys acknowledges every stanza the server keeps for it', () => {
  let t: TestSim;
  let me: SimClient;
  let bob: SimClient;
  beforeAll(async () => {
    t = await startTestSim();
    t.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    t.sim.createAccount({ phone: CAROL, pushName: 'Carol' });
    me = (await t.link(ME)).client;
    bob = (await t.link(BOB)).client;
  });
  afterAll(() => t.teardown());

  const settled = (label: string) =>
    eventually(() => t.pendingOf(ME) === 0 && t.pendingOf(BOB) === 0, 5000, `nothing pending after ${label}`);

  test('texts from a contact', async () => {
    for (const text of ['one', 'two', 'three']) {
      await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME, text });
      await me.waitForText(text);
    }
    await settled('texts from a contact');
  });

  test("delivery and read receipts for the device's own sends", async () => {
    const sent = await me.sock.sendMessage(jid(ALICE), { text: 'read this' });
    const id = sent!.key.id!;
    await eventually(() => me.statusOf(id) >= 3, 5000, 'delivery receipt');
    await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/read`, { ids: [id] });
    await eventually(() => me.statusOf(id) >= 4, 5000, 'read receipt');
    await settled('receipts');
  });

  test("the phone's own sends (device-sent copies)", async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ME}/send`, { to: ALICE, text: 'from my phone' });
    await eventually(() => me.received.find((m) => m.key.id === res.body.id), 5000, 'device-sent copy');
    await settled('device-sent copies');
  });

  test('messages and receipts between two linked devices', async () => {
    const sent = await me.sock.sendMessage(jid(BOB), { text: 'me to bob' });
    await bob.waitForText('me to bob');
    await eventually(() => me.statusOf(sent!.key.id!) >= 3, 5000, 'receipt from bob');
    await bob.sock.sendMessage(jid(ME), { text: 'bob to me' });
    await me.waitForText('bob to me');
    await settled('messages between devices');
  });

  test('group notifications, group messages and per-participant receipts', async () => {
    const group = await me.sock.groupCreate('Pending', [jid(BOB), jid(ALICE)]);
    await me.sock.groupUpdateSubject(group.id, 'Renamed');
    await me.sock.groupParticipantsUpdate(group.id, [jid(CAROL)], 'add');
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: group.id, text: 'to the group' });
    expect(res.status).toBe(200);
    await me.waitForText('to the group');
    await bob.waitForText('to the group');
    const sent = await me.sock.sendMessage(group.id, { text: 'group reply' });
    await eventually(() => me.deliveredBy(sent!.key.id!).includes(jid(ALICE)), 15_000, 'group receipt');
    await settled('group traffic');
  }, 30_000);

  test('retry receipts both ways', async () => {
    const corrupt = await api(t.handle.url, 'POST', `/sim/accounts/${CAROL}/send`, {
      to: ME,
      text: 'undecryptable first',
      corrupt: true,
    });
    const msg = await me.waitForText('undecryptable first', 8000);
    expect(msg.key.id).toBe(corrupt.body.id);
    t.sim.forgetSession(ALICE, `${ME}:2@s.whatsapp.net`);
    const sent = await me.sock.sendMessage(jid(ALICE), { text: 'after session loss' });
    await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === sent!.key.id), 8000, 'resent message');
    await eventually(() => me.statusOf(sent!.key.id!) >= 3, 5000, 'delivery receipt of the resent message');
    await settled('retry receipts');
  }, 20_000);

  test('the control API reports nothing pending', async () => {
    await eventually(() => t.sim.stats().pending === 0, 5000, 'nothing pending');
    expect((await api(t.handle.url, 'GET', '/sim/stats')).body).toMatchObject({ pending: 0 });
    const account = await api(t.handle.url, 'GET', `/sim/accounts/${ME}`);
    expect(account.body.devices).toEqual([expect.objectContaining({ queued: 0, pending: 0 })]);
  });
});
