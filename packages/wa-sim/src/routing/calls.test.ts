import type { WACallEvent } from '@whiskeysockets/baileys';
import type { AccountDetails } from '../control-api/sim-control.ts';
import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

/** Polls an asynchronous check (every 20 ms, at most 5 s). */
async function until(label: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ME = '15550007001';
const ALICE = '15550007002';

describe('calls between a simulated contact and Baileys', () => {
  let t: TestSim;
  let me: SimClient;
  const calls: WACallEvent[] = [];
  beforeAll(async () => {
    t = await startTestSim();
    await api(t.handle.url, 'POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
    me = t.track((await linkWithQr(t.sim, t.handle.wsUrl, ME)).client);
    me.sock.ev.on('call', (events) => calls.push(...events));
  });
  afterAll(() => t.teardown());

  test('an offer reaches Baileys as a ringing call naming its id and caller; its reject is recorded', async () => {
    const placed = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/call`, { to: ME, video: true });
    expect(placed.status).toBe(200);
    const id = String(placed.body.id);
    expect(placed.body).toMatchObject({ to: `${ME}@s.whatsapp.net`, video: true, status: 'ringing' });
    const offer = await eventually(() => calls.find((c) => c.id === id && c.status === 'offer'), 5000, 'offer');
    expect(offer).toMatchObject({ from: `${ALICE}@s.whatsapp.net`, isVideo: true, isGroup: false });

    // Baileys' rejectCall waits for the server's answer: it resolving proves the simulator acks it.
    await me.sock.rejectCall(id, offer.from);
    const listed = await api(t.handle.url, 'GET', `/sim/accounts/${ALICE}/calls`);
    expect(listed.body).toEqual([
      expect.objectContaining({ id, status: 'rejected', rejectedBy: `${ME}@s.whatsapp.net` }),
    ]);
  });

  test("a device's own presence is shown with its connection", async () => {
    const device = async () =>
      ((await api(t.handle.url, 'GET', `/sim/accounts/${ME}`)).body as unknown as AccountDetails).devices[0]!;
    expect((await device()).presence).toBeNull();
    // Baileys announces presence only once it knows its push name; the simulator linked it without one.
    me.sock.authState.creds.me = { ...me.sock.authState.creds.me!, name: 'Me' };
    await me.sock.sendPresenceUpdate('available');
    await until('available', async () => (await device()).presence === 'available');
    await me.sock.sendPresenceUpdate('unavailable');
    await until('unavailable', async () => (await device()).presence === 'unavailable');
  });

  test('calling an unknown account is a 404', async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/call`, { to: '15550007999' });
    expect(res.status).toBe(404);
  });
});
