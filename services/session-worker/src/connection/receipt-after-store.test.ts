import { eventually, type SimClient } from '@turbozap/wa-sim/testing/client';
import { api } from '@turbozap/wa-sim/testing/http';
import { linkWithQr, reconnect } from '@turbozap/wa-sim/testing/link';
import { startTestSim, type TestSim } from '@turbozap/wa-sim/testing/setup';
import type { WAMessage, WAMessageKey } from '@whiskeysockets/baileys';

const ME = '15550007001';
const ALICE = '15550007002';

/**
 * patches/@whiskeysockets__baileys@7.0.0-rc14.patch: Baileys sends a message's receipt — after
 * which WhatsApp forgets the message — only once `beforeMessageReceipt` has resolved; a copy
 * WhatsApp delivers again whose Signal key was used already is discarded only if
 * `isMessageStored` says so, else its sender is asked to send it again. Unpatched, the receipt
 * leaves as soon as the message decrypts, the hooks are never called, and such a copy is lost.
 */
describe("Baileys' receipt waits for the message to be stored (patched)", () => {
  let t: TestSim;
  let me: SimClient;
  let linked: Awaited<ReturnType<typeof linkWithQr>>;
  const seen: WAMessage[] = [];
  let store: (msg: WAMessage) => Promise<void> = async () => {};
  /** Ids the application has stored (what `isMessageStored` answers from). */
  const stored = new Set<string>();

  const options = {
    beforeMessageReceipt: (msg: WAMessage) => store(msg),
    isMessageStored: async (key: WAMessageKey) => stored.has(key.id ?? ''),
  };
  const send = async (text: string) =>
    String((await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME, text })).body.id);
  /** Stanzas the simulated server wrote to our device and still holds for want of an ack. */
  const pending = () => t.sim.account(ME).devices.reduce((n, d) => n + d.pending, 0);

  beforeAll(async () => {
    t = await startTestSim();
    await api(t.handle.url, 'POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
    linked = await linkWithQr(t.sim, t.handle.wsUrl, ME, options);
    me = t.track(linked.client);
  });
  afterAll(() => t.teardown());
  beforeEach(() => {
    seen.length = 0;
  });

  test('no receipt while the store is pending; the receipt once it resolves', async () => {
    let stored!: () => void;
    store = (msg) => {
      seen.push(msg);
      return new Promise<void>((resolve) => {
        stored = resolve;
      });
    };
    const id = await send('held until stored');
    const msg = await eventually(() => seen.find((m) => m.key.id === id), 5000, 'the hook');
    // The application sees the message as Baileys will emit it (key normalised).
    expect(msg.key).toMatchObject({ id, fromMe: false, remoteJid: `${ALICE}@s.whatsapp.net` });
    expect(msg.message?.conversation ?? msg.message?.extendedTextMessage?.text).toBe('held until stored');
    await new Promise((r) => setTimeout(r, 500));
    expect(pending()).toBeGreaterThan(0);
    expect(me.received.some((m) => m.key.id === id)).toBe(false);

    stored();
    await eventually(() => pending() === 0, 5000, 'the receipt');
    await eventually(() => me.received.some((m) => m.key.id === id), 5000, 'messages.upsert');
  });

  test('a store that fails leaves the message with WhatsApp: redelivered at the next login', async () => {
    store = async (msg) => {
      seen.push(msg);
      throw new Error('the database is unreachable');
    };
    const id = await send('kept by WhatsApp');
    await eventually(() => seen.some((m) => m.key.id === id), 5000, 'the hook');
    await new Promise((r) => setTimeout(r, 500));
    expect(pending()).toBeGreaterThan(0);
    expect(me.received.some((m) => m.key.id === id)).toBe(false);

    // Our device decrypted it (its Signal key is spent) but stored nothing: at the next login
    // WhatsApp delivers it again, the key is gone, and the sender is asked to encrypt it anew.
    me.end();
    await me.waitClosed();
    const copies: WAMessage[] = [];
    store = async (msg) => {
      copies.push(msg);
      stored.add(msg.key.id ?? '');
    };
    me = t.track(await reconnect(t.handle.wsUrl, linked.auth, options));
    await eventually(() => copies.find((m) => m.key.id === id), 10_000, 'the message, sent again');
    await eventually(() => pending() === 0, 5000, 'the receipt');
    expect(copies.filter((m) => m.key.id === id)).toHaveLength(1);
    expect(copies.find((m) => m.key.id === id)?.message?.conversation).toBe('kept by WhatsApp');
  });

  test('a copy of a message already stored is acknowledged, not asked for again', async () => {
    let receipted!: () => void;
    const held = new Promise<void>((resolve) => {
      receipted = resolve;
    });
    // Stored, then the process dies before the receipt leaves: WhatsApp keeps the message.
    store = async (msg) => {
      seen.push(msg);
      stored.add(msg.key.id ?? '');
      await held;
    };
    const id = await send('stored before the crash');
    await eventually(() => seen.some((m) => m.key.id === id), 5000, 'the hook');
    me.end();
    await me.waitClosed();
    receipted();

    const copies: WAMessage[] = [];
    store = async (msg) => void copies.push(msg);
    me = t.track(await reconnect(t.handle.wsUrl, linked.auth, options));
    await eventually(() => pending() === 0, 10_000, 'the copy acknowledged');
    await new Promise((r) => setTimeout(r, 500));
    expect(copies.filter((m) => m.key.id === id)).toHaveLength(0);
    expect(t.sim.outbox(ALICE).filter((m) => m.id === id)).toHaveLength(1);
  });
});
