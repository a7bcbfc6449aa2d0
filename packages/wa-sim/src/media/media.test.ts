import { createHash, randomBytes } from 'node:crypto';
import { downloadMediaMessage } from '@whiskeysockets/baileys';
import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr } from '../testing/link.ts';
import { type MediaRoute, simMediaRoute } from '../testing/media-route.ts';
import { testPng } from '../testing/png.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const ME = '15550007001';
const ALICE = '15550007002';
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('media through the simulated media host, with real Baileys', () => {
  let t: TestSim;
  let me: SimClient;
  let route: MediaRoute;
  beforeAll(async () => {
    t = await startTestSim();
    route = simMediaRoute(t.handle.url, t.sim.mediaHosts);
    t.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    me = t.track((await linkWithQr(t.sim, t.handle.wsUrl, ME, route.socketConfig)).client);
  });
  afterAll(async () => {
    await t.teardown();
    await route.close();
  });

  test('Baileys uploads an encrypted image; the contact downloads, verifies and decrypts it', async () => {
    const png = testPng();
    const sent = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, {
      image: png,
      caption: 'a picture',
      mimetype: 'image/png',
    });
    const entry = await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === sent!.key.id), 10_000, 'inbox');
    expect(entry).toMatchObject({ type: 'image', text: 'a picture' });
    expect(entry.media).toEqual({ mimetype: 'image/png', size: png.length, sha256: hex(png) });
    expect(sent!.message?.imageMessage?.url).toMatch(/^https:\/\/mmg\.whatsapp\.net\/v\//);
  });

  test.each([
    ['document', { document: Buffer.from('%PDF-1.4 hello'), mimetype: 'application/pdf', fileName: 'a.pdf' }],
    ['audio', { audio: Buffer.from('OggS not really audio'), mimetype: 'audio/ogg; codecs=opus' }],
    ['sticker', { sticker: testPng(8, 8), mimetype: 'image/webp' }],
  ] as const)('Baileys sends a %s; the contact decrypts the same bytes', async (type, content) => {
    const bytes = (content as Record<string, unknown>)[type] as Buffer;
    const sent = await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, content as never);
    const entry = await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === sent!.key.id), 10_000, 'inbox');
    expect(entry.type).toBe(type);
    expect(entry.media).toMatchObject({ size: bytes.length, sha256: hex(bytes), mimetype: content.mimetype });
    if (type === 'document') expect(entry.media?.fileName).toBe('a.pdf');
  });

  test('media the contact cannot open is recorded with the reason', async () => {
    const missing = '/v/t62.7118-24/missing.enc';
    const imageMessage = { url: `https://mmg.whatsapp.net${missing}`, directPath: missing, mimetype: 'image/png' };
    const jid = `${ALICE}@s.whatsapp.net`;
    const gone = await me.sock.relayMessage(jid, { imageMessage: { ...imageMessage, mediaKey: randomBytes(32) } }, {});
    const noKey = await me.sock.relayMessage(jid, { imageMessage }, {});
    const inbox = () => t.sim.inbox(ALICE);
    expect((await eventually(() => inbox().find((m) => m.id === gone), 5000, 'inbox')).media).toEqual({
      mimetype: 'image/png',
      error: 'not_found',
    });
    expect((await eventually(() => inbox().find((m) => m.id === noKey), 5000, 'inbox')).media?.error).toBe(
      'no_media_key',
    );
  });

  test('the contact sends an image; Baileys downloads and decrypts it', async () => {
    const png = testPng(24, 24);
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, {
      to: ME,
      media: { type: 'image', base64: png.toString('base64'), mimetype: 'image/png', caption: 'from Alice' },
    });
    expect(res.status).toBe(200);
    const msg = await eventually(() => me.received.find((m) => m.key.id === res.body.id), 10_000, 'image at Baileys');
    expect(msg.message?.imageMessage).toMatchObject({ caption: 'from Alice', mimetype: 'image/png' });
    const bytes = await downloadMediaMessage(msg, 'buffer', route.downloadOptions);
    expect(hex(bytes)).toBe(hex(png));
    expect(t.sim.outbox(ALICE).find((m) => m.id === res.body.id)).toMatchObject({ type: 'image', text: 'from Alice' });
  });

  test('the contact sends a document; Baileys gets its name and bytes', async () => {
    const doc = Buffer.from(`report ${Math.random()}`);
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, {
      to: ME,
      media: { type: 'document', base64: doc.toString('base64'), mimetype: 'text/plain', fileName: 'r.txt' },
    });
    const msg = await eventually(() => me.received.find((m) => m.key.id === res.body.id), 10_000, 'document');
    expect(msg.message?.documentMessage?.fileName).toBe('r.txt');
    expect((await downloadMediaMessage(msg, 'buffer', route.downloadOptions)).equals(doc)).toBe(true);
  });

  test('a contact posts an image in a group; Baileys downloads it, another member phone opens it', async () => {
    const bob = '15550007003';
    t.sim.createAccount({ phone: bob });
    const group = t.sim.createGroup(ALICE, 'Pictures', [ME, bob]);
    const png = testPng(12, 12);
    const { id } = await t.sim.sendMedia(ALICE, group.jid, { type: 'image', base64: png.toString('base64') });
    const msg = await eventually(() => me.received.find((m) => m.key.id === id), 10_000, 'group image');
    expect(msg.key.remoteJid).toBe(group.jid);
    expect(hex(await downloadMediaMessage(msg, 'buffer', route.downloadOptions))).toBe(hex(png));
    expect(t.sim.inbox(bob).find((m) => m.id === id)?.media).toEqual({
      mimetype: 'image/jpeg',
      size: png.length,
      sha256: hex(png),
    });
  });

  test('the media host refuses bad uploads and unknown files; bad media input is a 400', async () => {
    const body = Buffer.from('x');
    const token = createHash('sha256').update(body).digest('base64url');
    const post = (query: string, payload: Buffer) =>
      fetch(`${t.handle.url}/mms/image/${token}?${query}`, { method: 'POST', body: payload });
    expect((await post(`auth=wrong&token=${token}`, body)).status).toBe(401);
    const { auth } = await me.sock.refreshMediaConn(false);
    const query = `auth=${encodeURIComponent(auth)}&token=${token}`;
    expect(await (await post(query, Buffer.from('not x'))).json()).toMatchObject({ error: { code: 'hash_mismatch' } });
    const accepted = (await (await post(query, body)).json()) as { url: string; direct_path: string };
    expect(accepted.url).toBe(`https://mmg.whatsapp.net${accepted.direct_path}&mms3=true`);
    expect(Buffer.from(await (await fetch(`${t.handle.url}${accepted.direct_path}`)).arrayBuffer())).toEqual(body);
    expect((await fetch(`${t.handle.url}/v/t62.7118-24/nothing.enc`)).status).toBe(404);
    const bad = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, {
      to: ME,
      media: { type: 'gif', base64: 'AAAA' },
    });
    expect(bad).toMatchObject({ status: 400, errorCode: 'invalid_media' });
    const notB64 = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, {
      to: ME,
      media: { type: 'image', base64: '***' },
    });
    expect(notB64).toMatchObject({ status: 400, errorCode: 'invalid_media' });
  });
});
