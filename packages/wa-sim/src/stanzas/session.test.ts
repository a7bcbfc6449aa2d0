import { memoryAuthState } from '../testing/auth.ts';
import { eventually, SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr, reconnect } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

describe('login with stored credentials', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim();
  });
  afterAll(() => t.teardown());

  test('a known device logs in again without a QR; post-login queries are all answered', async () => {
    const { client, auth } = await linkWithQr(t.sim, t.handle.wsUrl, '15550003001');
    client.end();
    const logins = t.sim.stats().logins;
    const started = Date.now();
    const again = t.track(await reconnect(t.handle.wsUrl, auth));
    expect(Date.now() - started).toBeLessThan(3000); // passive/prekey/digest answered, no query timeout
    expect(again.qrs).toEqual([]);
    expect(t.sim.stats().logins).toBe(logins + 1);
    t.sim.createAccount({ phone: '15550003002', pushName: 'Bob' });
    const [blocklist, privacy, exists, missing] = await Promise.all([
      again.sock.fetchBlocklist(),
      again.sock.fetchPrivacySettings(true),
      again.sock.onWhatsApp('15550003002'),
      again.sock.onWhatsApp('15559999999'),
    ]);
    expect(blocklist).toEqual([]);
    expect(privacy).toMatchObject({ readreceipts: 'all' });
    expect(exists).toEqual([{ jid: '15550003002@s.whatsapp.net', exists: true }]);
    expect(missing).toEqual([]); // Baileys drops numbers that are not on WhatsApp
    await again.sock.query({
      tag: 'iq',
      attrs: { to: 's.whatsapp.net', type: 'get', xmlns: 'w:p' },
      content: [{ tag: 'ping', attrs: {} }],
    });
    // no query the client made during login went unanswered
    expect(t.logs.filter((l) => l.includes('unhandled iq') || l.includes('connection error'))).toEqual([]);
  });

  test('an unknown device gets 401', async () => {
    const auth = memoryAuthState();
    auth.creds.me = { id: '15550003999:4@s.whatsapp.net', name: 'ghost' };
    const client = t.track(new SimClient(t.handle.wsUrl, auth));
    expect(await client.waitClosed()).toBe(401);
  });

  test('a device presenting another noise key gets 401', async () => {
    const { client, auth } = await linkWithQr(t.sim, t.handle.wsUrl, '15550003003');
    client.end();
    const impostor = memoryAuthState();
    impostor.creds.me = auth.creds.me;
    const other = t.track(new SimClient(t.handle.wsUrl, impostor));
    expect(await other.waitClosed()).toBe(401);
  });

  test('remove-device: the live companion is logged out (401) and cannot log in again', async () => {
    const { client, auth, link } = await linkWithQr(t.sim, t.handle.wsUrl, '15550003004');
    t.track(client);
    const res = await api(t.handle.url, 'POST', '/sim/accounts/15550003004/remove-device', { jid: link.deviceJid });
    expect(res).toMatchObject({ status: 200, body: { removed: [link.deviceJid] } });
    expect(await client.waitClosed()).toBe(401);
    expect(t.sim.account('15550003004').devices).toEqual([]);
    const again = t.track(new SimClient(t.handle.wsUrl, auth));
    expect(await again.waitClosed()).toBe(401);
    const unknown = await api(t.handle.url, 'POST', '/sim/accounts/15550003004/remove-device', { jid: link.deviceJid });
    expect(unknown.status).toBe(404);
  });

  test("the client's own logout unlinks it", async () => {
    const { client } = await linkWithQr(t.sim, t.handle.wsUrl, '15550003005');
    t.track(client);
    await client.sock.logout();
    await eventually(() => t.sim.account('15550003005').devices.length === 0, 3000, 'device removed');
  });
});

describe('keepalive and silence', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim({ silenceTimeoutMs: 2000 });
  });
  afterAll(() => t.teardown());

  test('a pinging client stays connected; a silent one gets 408', async () => {
    const { client, auth } = await linkWithQr(t.sim, t.handle.wsUrl, '15550004001', { keepAliveIntervalMs: 250 });
    t.track(client);
    await new Promise((r) => setTimeout(r, 2500));
    expect(client.state).toBe('open');
    client.end();
    const silent = t.track(await reconnect(t.handle.wsUrl, auth, { keepAliveIntervalMs: 60_000 }));
    expect(await silent.waitClosed(5000)).toBe(408);
  });
});
