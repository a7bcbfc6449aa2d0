import type { BinaryNode } from '@whiskeysockets/baileys';
import { eventually, SimClient } from './testing/client.ts';
import { api } from './testing/http.ts';
import { type LinkedClient, linkWithQr, reconnect } from './testing/link.ts';
import { startTestSim, type TestSim } from './testing/setup.ts';

const ME = '15550007001';
const BOB = '15550007002';

/** Arrival times of server acks for message ids, observed on the client's socket. */
function recordAcks(client: SimClient): Map<string, { at: number; error?: string }> {
  const acks = new Map<string, { at: number; error?: string }>();
  client.sock.ws.on('CB:ack,class:message', (n: BinaryNode) => {
    acks.set(n.attrs.id!, { at: Date.now(), ...(n.attrs.error ? { error: n.attrs.error } : {}) });
  });
  return acks;
}

describe('faults and invariants', () => {
  let t: TestSim;
  let linked: LinkedClient;
  let me: SimClient;
  beforeAll(async () => {
    t = await startTestSim();
    t.sim.createAccount({ phone: BOB, pushName: 'Bob' });
    linked = await linkWithQr(t.sim, t.handle.wsUrl, ME);
    me = t.track(linked.client);
  });
  afterAll(() => t.teardown());

  const fault = (body: unknown) => api(t.handle.url, 'POST', '/sim/faults', body);
  const freshClient = async () => {
    me = t.track(await reconnect(t.handle.wsUrl, linked.auth));
    return me;
  };

  test('a second connection for a connected device replaces the first: conflict (440), counted once', async () => {
    const before = t.sim.stats().conflicts;
    const second = t.track(new SimClient(t.handle.wsUrl, linked.auth));
    await second.waitOpen();
    expect(await me.waitClosed()).toBe(440);
    expect(second.state).toBe('open');
    expect(t.sim.stats().conflicts).toBe(before + 1);
    me = second;
    const res = await api(t.handle.url, 'GET', '/sim/stats');
    expect(res.body).toMatchObject({
      conflicts: before + 1,
      connections: expect.any(Number),
      duplicatesSuppressed: expect.any(Number),
      messagesRelayed: expect.any(Number),
    });
  });

  test('a message re-sent with an id the recipient already has is dropped and counted', async () => {
    const id = 'DUPLICATE00000001';
    await me.sock.relayMessage(`${BOB}@s.whatsapp.net`, { conversation: 'only once' }, { messageId: id });
    await eventually(() => t.sim.inbox(BOB).some((m) => m.id === id), 5000, 'first copy');
    const { duplicatesSuppressed, messagesRelayed } = t.sim.stats();
    await me.sock.relayMessage(`${BOB}@s.whatsapp.net`, { conversation: 'only once' }, { messageId: id });
    await eventually(() => t.sim.stats().duplicatesSuppressed === duplicatesSuppressed + 1, 5000, 'duplicate counted');
    expect(t.sim.stats().messagesRelayed).toBe(messagesRelayed);
    expect(t.sim.inbox(BOB).filter((m) => m.id === id)).toHaveLength(1);
    // the same holds for a simulated phone re-sending an id to a companion
    await api(t.handle.url, 'POST', `/sim/accounts/${BOB}/send`, {
      to: ME,
      text: 'dup to companion',
      id: 'DUPLICATE00000002',
    });
    await me.waitForText('dup to companion');
    await api(t.handle.url, 'POST', `/sim/accounts/${BOB}/send`, {
      to: ME,
      text: 'dup to companion',
      id: 'DUPLICATE00000002',
    });
    expect(t.sim.stats().duplicatesSuppressed).toBe(duplicatesSuppressed + 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(me.received.filter((m) => m.key.id === 'DUPLICATE00000002')).toHaveLength(1);
  });

  test('delay-acks: the server ack arrives late, the message is relayed at once', async () => {
    const acks = recordAcks(me);
    expect((await fault({ type: 'delay-acks', jid: `${ME}:2@s.whatsapp.net`, ms: 400, count: 1 })).body).toEqual({
      affected: 0,
    });
    const sentAt = Date.now();
    const sent = await me.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'slow ack' });
    await eventually(() => t.sim.inbox(BOB).some((m) => m.id === sent!.key.id), 5000, 'relayed');
    expect(acks.has(sent!.key.id!)).toBe(false);
    const ack = await eventually(() => acks.get(sent!.key.id!), 3000, 'late ack');
    expect(ack.at - sentAt).toBeGreaterThanOrEqual(350);
  });

  test('refuse-acks: negative ack, message not relayed, Baileys marks it failed', async () => {
    const acks = recordAcks(me);
    await fault({ type: 'refuse-acks', jid: ME, code: 479, count: 1 });
    const sent = await me.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'refused' });
    const ack = await eventually(() => acks.get(sent!.key.id!), 3000, 'nack');
    expect(ack.error).toBe('479');
    await eventually(() => me.statusesOf(sent!.key.id!).includes(0), 3000, 'ERROR status');
    expect(t.sim.inbox(BOB).some((m) => m.id === sent!.key.id)).toBe(false);
    const next = await me.sock.sendMessage(`${BOB}@s.whatsapp.net`, { text: 'accepted again' });
    await eventually(() => acks.get(next!.key.id!) && !acks.get(next!.key.id!)!.error, 3000, 'normal ack');
  });

  test('restart-required: the client gets 515', async () => {
    const conflicts = t.sim.stats().conflicts;
    const res = await fault({ type: 'restart-required', jid: `${ME}@s.whatsapp.net` });
    expect(res.body).toEqual({ affected: 1 });
    expect(await me.waitClosed()).toBe(515);
    await freshClient();
    expect(t.sim.stats().conflicts).toBe(conflicts); // reconnecting after a restart is not a conflict
  });

  test('drop: the connection is cut (Baileys reports 428)', async () => {
    const res = await fault({ type: 'drop', jid: `${ME}:2@s.whatsapp.net` });
    expect(res.body).toEqual({ affected: 1 });
    expect(await me.waitClosed()).toBe(428);
    await freshClient();
  });

  test('fault requests are validated', async () => {
    expect((await fault({ type: 'explode' })).errorCode).toBe('invalid_fault');
    expect((await fault({ type: 'drop', jid: '19999999999@s.whatsapp.net' })).status).toBe(404);
    expect((await fault({ type: 'delay-acks', ms: 'soon' })).status).toBe(400);
    expect((await api(t.handle.url, 'DELETE', '/sim/faults')).body).toEqual({ cleared: true });
  });
});
