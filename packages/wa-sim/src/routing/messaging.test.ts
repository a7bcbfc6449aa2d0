import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const ME = '15550005001';
const ALICE = '15550005002';
const DELIVERY_ACK = 3;
const READ = 4;

describe('1:1 messages between Baileys and a simulated contact', () => {
  let t: TestSim;
  let me: SimClient;
  beforeAll(async () => {
    t = await startTestSim();
    const created = await api(t.handle.url, 'POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
    expect(created.body).toEqual({
      phone: ALICE,
      jid: `${ALICE}@s.whatsapp.net`,
      lid: expect.stringMatching(/^\d+@lid$/),
    });
    me = t.track((await linkWithQr(t.sim, t.handle.wsUrl, ME)).client);
  });
  afterAll(() => t.teardown());

  test('Baileys → contact: decrypted by the contact, server ack, delivery receipt', async () => {
    const relayed = t.sim.stats().messagesRelayed;
    const sent = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, { text: 'hello Alice' });
    const id = sent!.key.id!;
    const entry = await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === id), 5000, 'contact inbox');
    expect(entry).toMatchObject({ from: `${ME}@s.whatsapp.net`, type: 'text', text: 'hello Alice', fromDevice: 2 });
    const res = await api(t.handle.url, 'GET', `/sim/accounts/${ALICE}/inbox`);
    expect(res.body).toEqual(expect.arrayContaining([expect.objectContaining({ id, text: 'hello Alice' })]));
    await eventually(() => me.statusOf(id) >= DELIVERY_ACK, 5000, 'delivery receipt');
    expect(t.sim.stats().messagesRelayed).toBe(relayed + 1);
    // a second message rides the established session (msg, not pkmsg)
    const again = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, { text: 'second' });
    await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === again!.key.id), 5000, 'second message');
  });

  test('contact → Baileys: received and decrypted, the contact gets the delivery receipt', async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME, text: 'hi from Alice' });
    expect(res.status).toBe(200);
    const id = String(res.body.id);
    const msg = await me.waitForText('hi from Alice');
    expect(msg.key).toMatchObject({ id, fromMe: false, remoteJid: `${ALICE}@s.whatsapp.net` });
    expect(msg.pushName).toBe('Alice');
    await eventually(() => t.sim.outbox(ALICE).find((m) => m.id === id)?.status === 'delivered', 5000, 'delivered');
  });

  test('read receipts both ways', async () => {
    const sent = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, { text: 'please read' });
    const id = sent!.key.id!;
    await eventually(() => t.sim.inbox(ALICE).some((m) => m.id === id), 5000, 'inbox');
    const read = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/read`, { ids: [id] });
    expect(read.body).toEqual({ read: [id] });
    await eventually(() => me.statusOf(id) >= READ, 5000, 'read receipt at Baileys');

    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME, text: 'read me' });
    const incoming = await me.waitForText('read me');
    await me.sock.readMessages([incoming.key]);
    await eventually(
      () => t.sim.outbox(ALICE).find((m) => m.id === res.body.id)?.status === 'read',
      5000,
      'read at contact',
    );
  });

  test('a contact with autoRead reads what it receives', async () => {
    t.sim.createAccount({ phone: '15550005003', pushName: 'Reader', autoRead: true });
    const sent = await me.sock.sendMessage('15550005003@s.whatsapp.net', { text: 'auto' });
    await eventually(() => me.statusOf(sent!.key.id!) >= READ, 5000, 'auto read');
  });

  test('a contact without delivery receipts leaves a message at server ack until it reads it', async () => {
    const silent = '15550005004';
    const created = await api(t.handle.url, 'POST', '/sim/accounts', { phone: silent, deliveryReceipts: false });
    expect(created.status).toBe(200);
    expect(t.sim.account(silent).deliveryReceipts).toBe(false);
    const sent = await me.sock.sendMessage(`${silent}@s.whatsapp.net`, { text: 'no receipt' });
    const id = sent!.key.id!;
    await eventually(() => t.sim.inbox(silent).some((m) => m.id === id), 5000, 'inbox');
    // A contact with receipts on answers within receiptDelayMs (20 ms); give it far longer.
    const control = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, { text: 'control' });
    await eventually(() => me.statusOf(control!.key.id!) >= DELIVERY_ACK, 5000, 'control delivered');
    expect(me.statusOf(id)).toBeLessThan(DELIVERY_ACK);
    await api(t.handle.url, 'POST', `/sim/accounts/${silent}/read`, { ids: [id] });
    await eventually(() => me.statusOf(id) >= READ, 5000, 'read receipt');
  });

  test("the phone's own sends reach its companion as fromMe (device-sent copy)", async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ME}/send`, { to: ALICE, text: 'typed on the phone' });
    const copy = await eventually(() => me.received.find((m) => m.key.id === res.body.id), 5000, 'device-sent copy');
    expect(copy.key).toMatchObject({ fromMe: true, remoteJid: `${ALICE}@s.whatsapp.net` });
    expect(copy.message?.conversation ?? copy.message?.extendedTextMessage?.text).toBe('typed on the phone');
    expect(t.sim.inbox(ALICE).some((m) => m.id === res.body.id)).toBe(true);
  });

  test('send errors are JSON 4xx', async () => {
    expect(
      (await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: '15559999000', text: 'x' })).errorCode,
    ).toBe('unknown_recipient');
    expect((await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME })).errorCode).toBe('invalid_text');
    expect((await api(t.handle.url, 'POST', '/sim/accounts/15559999001/send', { to: ME, text: 'x' })).status).toBe(404);
    expect((await api(t.handle.url, 'GET', '/sim/accounts/nope/inbox')).status).toBe(400);
    expect((await api(t.handle.url, 'GET', '/sim/nothing')).status).toBe(404);
  });
});
