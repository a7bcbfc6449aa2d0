import type { AuthenticationState, BinaryNode } from '@whiskeysockets/baileys';
import { savedAuthState } from '../testing/auth.ts';
import { eventually, SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const ME = '15550010001';
const BOB = '15550010002';
const ALICE = '15550010003';
const CAROL = '15550010004';

/** A client logging in with `auth`, recording what the server sends it marked offline. */
function loginRecording(wsUrl: string, auth: AuthenticationState) {
  const client = new SimClient(wsUrl, auth);
  const offline: string[] = [];
  let offlineCount: string | undefined;
  for (const tag of ['message', 'notification', 'receipt']) {
    client.sock.ws.on(`CB:${tag}`, (n: BinaryNode) => {
      if (n.attrs.offline) offline.push(`${tag} ${n.attrs.id}`);
    });
  }
  client.sock.ws.on('CB:ib,,offline', (n: BinaryNode) => {
    offlineCount = (n.content as BinaryNode[])[0]?.attrs.count;
  });
  return { client, offline, offlineCount: () => offlineCount };
}

describe('what a device does not acknowledge is kept and redelivered at its next login', () => {
  let t: TestSim;
  let auth: AuthenticationState;
  let me: SimClient;
  beforeAll(async () => {
    t = await startTestSim();
    t.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    t.sim.createAccount({ phone: CAROL, pushName: 'Carol' });
    ({ auth, client: me } = await t.link(ME));
    await t.link(BOB);
  });
  afterAll(() => t.teardown());

  const loseAcks = () =>
    api(t.handle.url, 'POST', '/sim/faults', { type: 'lose-client-acks', jid: `${ME}:2@s.whatsapp.net` });
  const send = async (from: string, text: string, corrupt?: boolean) =>
    String((await api(t.handle.url, 'POST', `/sim/accounts/${from}/send`, { to: ME, text, corrupt })).body.id);
  const textsOf = (client: SimClient, id: string) =>
    client.received.filter((m) => m.key.id === id && m.message?.conversation);
  const logged = (...parts: string[]) => t.logs.some((l) => parts.every((p) => l.includes(p)));

  test('a client killed before it saved or acknowledged a message gets it again, offline, at its next login', async () => {
    const saved = savedAuthState(auth); // what the client had saved before the message came
    await loseAcks();
    const id = await send(ALICE, 'kept until acknowledged');
    await me.waitForText('kept until acknowledged'); // the client had it, its receipt never reached the server
    t.sim.createGroup(ALICE, 'Kept', [ME, BOB]); // one notification id for both devices
    await eventually(() => t.pendingOf(ME) === 2 && t.pendingOf(BOB) === 0, 5000, "only ME's stanzas pending");
    const account = await api(t.handle.url, 'GET', `/sim/accounts/${ME}`);
    expect(account.body.devices).toEqual([expect.objectContaining({ online: true, queued: 0, pending: 2 })]);
    expect((await api(t.handle.url, 'GET', '/sim/stats')).body).toMatchObject({ pending: 2 });

    me.end(); // closing the connection clears nothing
    await eventually(() => !t.sim.account(ME).devices[0]!.online, 3000, 'offline');
    expect(t.pendingOf(ME)).toBe(2);
    await api(t.handle.url, 'DELETE', '/sim/faults');
    auth = saved;
    const next = loginRecording(t.handle.wsUrl, auth);
    me = t.track(next.client);
    await me.waitOpen();
    const msg = await me.waitForText('kept until acknowledged', 10_000);
    expect(msg.key.id).toBe(id);
    expect(me.upsertTypes[me.received.indexOf(msg)]).toBe('append');
    expect(await eventually(next.offlineCount, 5000, '<ib><offline>')).toBe('2');
    expect(next.offline).toEqual([`message ${id}`, expect.stringMatching(/^notification /)]);
    await eventually(() => t.pendingOf(ME) === 0, 5000, 'all acknowledged');
    expect(textsOf(me, id)).toHaveLength(1);
  }, 30_000);

  test('after a conflict the new connection gets what the old one left unacknowledged', async () => {
    await loseAcks();
    const used = await send(ALICE, 'its key is used up');
    await me.waitForText('its key is used up');
    const broken = await send(CAROL, 'undecryptable at first', true);
    // Baileys answers it with a retry receipt, then a nack: both lost
    await eventually(() => logged('acknowledgement lost', 'tag=ack', `id=${broken}`), 5000, 'the nack, lost');
    expect(t.pendingOf(ME)).toBe(2);
    await api(t.handle.url, 'DELETE', '/sim/faults');
    const conflicts = t.sim.stats().conflicts;
    const next = loginRecording(t.handle.wsUrl, auth); // the same saved keys: the first message's key is used
    const old = me;
    me = t.track(next.client);
    await me.waitOpen();
    expect(await old.waitClosed()).toBe(440);
    expect(t.sim.stats().conflicts).toBe(conflicts + 1);
    expect(await eventually(next.offlineCount, 5000, '<ib><offline>')).toBe('2');
    expect(next.offline).toEqual([`message ${used}`, `message ${broken}`]);
    // Undecryptable again: Baileys asks for a retry, Carol's phone re-encrypts and resends; it arrives once.
    const msg = await me.waitForText('undecryptable at first', 10_000);
    expect(msg.key.id).toBe(broken);
    expect(logged('phone resends after retry receipt', `id=${broken}`)).toBe(true);
    await eventually(() => t.pendingOf(ME) === 0, 5000, 'all acknowledged');
    expect(textsOf(me, broken)).toHaveLength(1);
    // Baileys rejects a copy whose Signal message key it already used (nack 487), without a retry.
    expect(logged('client nack', `id=${used}`, 'error=487')).toBe(true);
    expect(textsOf(me, used)).toHaveLength(0);
  }, 30_000);
});
