import { memoryAuthState } from '../testing/auth.ts';
import { eventually, SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const post = (t: TestSim, path: string, body: unknown) => api(t.handle.url, 'POST', path, body);

describe('linking by QR', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim();
  });
  afterAll(() => t.teardown());

  test('QR → /sim/scan → pair-success → 515 restart → login success', async () => {
    const auth = memoryAuthState();
    const first = t.track(new SimClient(t.handle.wsUrl, auth));
    const qr = await first.nextQr();
    const scan = await post(t, '/sim/scan', { phone: '+1 555 000 1001', qr });
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({
      phone: '15550001001',
      jid: '15550001001@s.whatsapp.net',
      deviceJid: '15550001001:2@s.whatsapp.net',
    });
    expect(scan.body.lid).toMatch(/^\d+@lid$/);
    const lid = String(scan.body.lid);
    expect(await first.waitClosed()).toBe(515);
    expect(auth.creds.me?.id).toBe('15550001001:2@s.whatsapp.net');
    expect(auth.creds.me?.lid).toBe(lid.replace('@lid', ':2@lid'));
    const second = t.track(new SimClient(t.handle.wsUrl, auth));
    await second.waitOpen();
    const account = t.sim.account('15550001001');
    expect(account.devices).toEqual([expect.objectContaining({ id: 2, online: true })]);
    // the client uploaded its prekeys after the first login
    await eventually(() => t.sim.account('15550001001').devices[0]!.preKeys > 800, 5000, 'prekey upload');
    expect(t.sim.stats()).toMatchObject({ pairings: 1, logins: 1 });
  });

  test('a second companion gets the next device id', async () => {
    const { client, link } = await linkWithQr(t.sim, t.handle.wsUrl, '15550001001');
    t.track(client);
    expect(link.deviceId).toBe(3);
    expect(t.sim.account('15550001001').devices.map((d) => d.id)).toEqual([2, 3]);
  });

  test('scan errors are JSON 4xx: unknown QR, malformed phone', async () => {
    const unknown = await post(t, '/sim/scan', { phone: '15550001002', qr: '2@nope,AAAA,BBBB,CCCC,DDDD' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'unknown_qr', message: expect.any(String) } });
    const badPhone = await post(t, '/sim/scan', { phone: 'abc', qr: 'x' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.errorCode).toBe('invalid_phone');
    const invalid = await post(t, '/sim/scan', '{not json');
    expect(invalid.status).toBe(400);
    expect(invalid.errorCode).toBe('invalid_json');
  });
});

describe('QR refs: rotation and expiry', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim({ qr: { refs: 3, firstRefMs: 400, nextRefMs: 300 } });
  });
  afterAll(() => t.teardown());

  test('the client rotates through every ref and ends with 408 when they run out', async () => {
    const client = t.track(new SimClient(t.handle.wsUrl, memoryAuthState(), { qrTimeout: 100 }));
    expect(await client.waitClosed(5000)).toBe(408);
    expect(client.qrs).toHaveLength(3);
    expect(new Set(client.qrs.map((q) => q.split('#')[1]!.split(',')[0])).size).toBe(3);
  });

  test('refs expire on the server: an old QR gets 410, and the server ends the connection with 408', async () => {
    const client = t.track(new SimClient(t.handle.wsUrl, memoryAuthState()));
    const qr = await client.nextQr();
    await new Promise((r) => setTimeout(r, 450));
    const late = await post(t, '/sim/scan', { phone: '15550001003', qr });
    expect(late.status).toBe(410);
    expect(late.errorCode).toBe('qr_expired');
    expect(await client.waitClosed(3000)).toBe(408);
    expect(client.qrs).toHaveLength(1); // Baileys' own 60 s rotation never kicked in
  });
});

describe('linking by pairing code', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim();
  });
  afterAll(() => t.teardown());

  test('requestPairingCode → /sim/pairing-code → linked → 515 → login', async () => {
    const auth = memoryAuthState();
    const first = t.track(new SimClient(t.handle.wsUrl, auth));
    await first.nextQr(); // connection ready
    const code = await first.sock.requestPairingCode('15550002001');
    expect(code).toHaveLength(8);
    const wrong = await post(t, '/sim/pairing-code', {
      phone: '15550002001',
      code: code === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.errorCode).toBe('pairing_code_mismatch');
    const res = await post(t, '/sim/pairing-code', {
      phone: '15550002001',
      code: `${code.slice(0, 4)}-${code.slice(4)}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: '15550002001', deviceJid: '15550002001:2@s.whatsapp.net' });
    expect(await first.waitClosed()).toBe(515);
    const second = t.track(new SimClient(t.handle.wsUrl, auth));
    await second.waitOpen();
    expect(auth.creds.me?.id).toBe('15550002001:2@s.whatsapp.net');
  });

  test('entering a code nobody requested is a 404', async () => {
    const res = await post(t, '/sim/pairing-code', { phone: '15550002999', code: 'ABCDEFGH' });
    expect(res.status).toBe(404);
    expect(res.errorCode).toBe('no_pending_code');
  });
});
