import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { type LinkedClient, reconnect } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const A = '15550006001';
const B = '15550006002';
const CAROL = '15550006003';

describe('relay between linked accounts, offline queue, retry receipts', () => {
  let t: TestSim;
  let a: SimClient;
  let b: SimClient;
  let bAuth: LinkedClient['auth'];
  beforeAll(async () => {
    t = await startTestSim();
    t.sim.createAccount({ phone: CAROL, pushName: 'Carol' });
    a = (await t.link(A)).client;
    ({ client: b, auth: bAuth } = await t.link(B));
  });
  afterAll(() => t.teardown());

  test('Baileys → Baileys: relayed to the companion, copied to its phone, receipts flow back', async () => {
    const sent = await a.sock.sendMessage(`${B}@s.whatsapp.net`, { text: 'A to B' });
    const got = await b.waitForText('A to B');
    expect(got.key).toMatchObject({ fromMe: false, remoteJid: `${A}@s.whatsapp.net`, id: sent!.key.id });
    expect(t.sim.inbox(B).some((m) => m.id === sent!.key.id)).toBe(true);
    await eventually(() => a.statusOf(sent!.key.id!) >= 3, 5000, 'delivery receipt from B');
    const reply = await b.sock.sendMessage(`${A}@s.whatsapp.net`, { text: 'B to A' });
    await a.waitForText('B to A');
    await eventually(() => b.statusOf(reply!.key.id!) >= 3, 5000, 'delivery receipt from A');
  });

  test('messages for an offline companion are queued and delivered at its next login', async () => {
    b.end();
    await eventually(() => !t.sim.account(B).devices[0]!.online, 3000, 'B offline');
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${CAROL}/send`, { to: B, text: 'while you were away' });
    expect(t.sim.account(B).devices[0]!.queued).toBeGreaterThanOrEqual(1); // + receipts for what B sent
    b = t.track(await reconnect(t.handle.wsUrl, bAuth));
    const msg = await b.waitForText('while you were away');
    expect(msg.key.id).toBe(res.body.id);
    expect(b.upsertTypes[b.received.indexOf(msg)]).toBe('append'); // delivered as an offline message
    expect(t.sim.account(B).devices[0]!.queued).toBe(0);
    await eventually(
      () => t.sim.outbox(CAROL).find((m) => m.id === res.body.id)?.status === 'delivered',
      5000,
      'delivered',
    );
  });

  test('retry receipt from Baileys: the contact resends with a fresh session', async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${CAROL}/send`, {
      to: A,
      text: 'try again',
      corrupt: true,
    });
    const msg = await a.waitForText('try again', 8000);
    expect(msg.key.id).toBe(res.body.id);
    expect(t.logs.some((l) => l.includes('phone resends after retry receipt'))).toBe(true);
  });

  test('retry receipt from a simulated phone: Baileys resends after the phone lost its session', async () => {
    await a.sock.sendMessage(`${CAROL}@s.whatsapp.net`, { text: 'warm up' });
    await eventually(() => t.sim.inbox(CAROL).some((m) => m.text === 'warm up'), 5000, 'warm up');
    t.sim.forgetSession(CAROL, `${A}:2@s.whatsapp.net`);
    const sent = await a.sock.sendMessage(`${CAROL}@s.whatsapp.net`, { text: 'after session loss' });
    await eventually(() => t.sim.inbox(CAROL).find((m) => m.id === sent!.key.id), 8000, 'resent message');
    expect(t.logs.some((l) => l.includes('phone requests retry'))).toBe(true);
  });
});
