import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster } from './support/cluster.ts';
import { type EventReceiver, startEventReceiver } from './support/event-receiver.ts';
import { waitFor } from './support/processes.ts';

type HookEvent = { event: string; instance: { name: string }; data: { wa_message_id?: string } };

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988600001';
const BOB = '5511988600002';

interface OutboxEntry {
  id: string;
  readBy: string[];
}

interface StoredMessage {
  wa_message_id: string | null;
  status: string;
}

// Every test links an instance of its own, so one failure stays one failure.
d('instance settings applied live by the owner (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  let hook: EventReceiver<HookEvent>;
  let instances = 0;

  /** A new instance, its webhook set before it emits anything, linked by QR to a new phone. */
  const linked = async () => {
    instances++;
    const name = `tuned${instances}`;
    const me = `55119776000${String(instances).padStart(2, '0')}`;
    const { key, id } = await cluster.linkInstance(name, me, async () => {
      const set = await cluster.api('POST', `/webhook/${name}/set`, { url: hook.url, events: ['message.received'] });
      expect(set.status).toBe(200);
    });
    return { name, me, key, id };
  };

  const eventOf = (name: string, waId: string) =>
    hook.events.find((e) => e.instance.name === name && e.data.wa_message_id === waId);

  const stored = async (name: string, chat: string): Promise<StoredMessage[]> =>
    (await cluster.api('GET', `/message/${name}?remote=${encodeURIComponent(chat)}`)).body.data;

  /** `from` texts `to` (a phone or a group); resolves once the instance stored it. */
  const received = async (name: string, from: string, to: string, chat: string): Promise<string> => {
    const { id } = (await cluster.sim('POST', `/sim/accounts/${from}/send`, { to, text: `hi from ${from}` })) as {
      id: string;
    };
    await waitFor(
      `message ${id} stored by ${name}`,
      async () => (await stored(name, chat)).some((m) => m.wa_message_id === id),
      30_000,
      200,
    );
    return id;
  };

  /** Resolves once the instance's device (`me`) has acknowledged everything the simulator sent it. */
  const drained = (me: string) =>
    waitFor(
      `${me}'s device has nothing pending`,
      async () => {
        const { devices } = (await cluster.sim('GET', `/sim/accounts/${me}`)) as {
          devices: { online: boolean; pending: number; queued: number }[];
        };
        return devices.length > 0 && devices.every((dev) => dev.online && dev.pending === 0 && dev.queued === 0);
      },
      30_000,
      200,
    );

  const put = async (name: string, body: Record<string, unknown>) => {
    const res = await cluster.api('PUT', `/instance/${name}/settings`, body);
    expect(res.status).toBe(200);
    return res.body.data;
  };

  beforeAll(async () => {
    await cluster.start();
    hook = await startEventReceiver<HookEvent>();
    await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker'),
      cluster.startRole('sender-worker'),
    ]);
    await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
    await cluster.sim('POST', '/sim/accounts', { phone: BOB, pushName: 'Bob' });
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
    await hook?.close();
  }, 60_000);

  test('ignore_groups: a group message is acknowledged but neither stored nor emitted; a direct one is', async () => {
    const { name, me } = await linked();
    const group = (await cluster.sim('POST', '/sim/groups', {
      owner: ALICE,
      subject: 'Ignored',
      participants: [me, BOB],
    })) as { jid: string };
    // Stored while the setting is off: the group reaches the instance at all.
    await received(name, ALICE, group.jid, group.jid);

    await put(name, { ignore_groups: true });
    // Applied without reconnecting: a later group message is dropped, once the owner has the nudge.
    const direct = `${ALICE}@s.whatsapp.net`;
    const ignored = await waitFor(
      'a group message ignored',
      async () => {
        const { id } = (await cluster.sim('POST', `/sim/accounts/${BOB}/send`, {
          to: group.jid,
          text: 'in group',
        })) as {
          id: string;
        };
        await received(name, ALICE, me, direct);
        // Both handled: a message is acknowledged only once stored (or ignored).
        await drained(me);
        return !(await stored(name, group.jid)).some((m) => m.wa_message_id === id) && id;
      },
      60_000,
      0,
    );
    // WhatsApp got its acknowledgement: nothing is left pending for redelivery.
    await drained(me);
    expect((await stored(name, group.jid)).some((m) => m.wa_message_id === ignored)).toBe(false);
    // No event either, while a direct message sent after it reaches the webhook.
    const after = await received(name, ALICE, me, direct);
    await waitFor(`message.received of ${after}`, async () => eventOf(name, after), 30_000, 200);
    expect(eventOf(name, ignored)).toBeUndefined();
  }, 240_000);

  test('auto_read_messages: the contact sees a received message read once it is stored', async () => {
    const { name, me } = await linked();
    await put(name, { auto_read_messages: true });
    const chat = `${ALICE}@s.whatsapp.net`;
    const id = await waitFor(
      'a message read by the setting',
      async () => {
        const waId = await received(name, ALICE, me, chat);
        const read = await waitFor(
          `${waId} read`,
          async () =>
            ((await cluster.sim('GET', `/sim/accounts/${ALICE}/outbox`)) as OutboxEntry[]).some(
              (e) => e.id === waId && e.readBy.includes(me),
            ),
          5_000,
          200,
        ).catch(() => false);
        return read && waId;
      },
      60_000,
      0,
    );
    // Recorded like a chat marked read: a later POST /chat/NAME/read has nothing left to read.
    await waitFor(
      `${id} stored as read`,
      async () => (await stored(name, chat)).find((m) => m.wa_message_id === id)?.status === 'read',
      30_000,
      200,
    );
    const again = await cluster.api('POST', `/chat/${name}/read`, { jid: ALICE, message_ids: [id] });
    expect(again.body.data).toEqual({ read: 0 });
  }, 240_000);

  test('always_online: the device announces itself available, and unavailable when turned off', async () => {
    const { name, me } = await linked();
    const device = async () =>
      (
        (await cluster.sim('GET', `/sim/accounts/${me}`)) as {
          devices: { presence: string | null; connection: string | null }[];
        }
      ).devices[0];
    const presence = async () => (await device())?.presence;
    expect(await presence()).not.toBe('available');
    // WhatsApp's library announces presence only once it knows the account's push name, which a
    // session learns from the account's own messages (or app-state sync, which the simulator does
    // not do): turned on before that, the presence follows as soon as the phone sends one.
    await put(name, { always_online: true });
    await drained(me);
    expect(await presence()).not.toBe('available');
    await cluster.sim('POST', `/sim/accounts/${me}/send`, { to: ALICE, text: 'from my phone' });
    await waitFor('presence available', async () => (await presence()) === 'available', 30_000, 200);
    await put(name, { always_online: false });
    await waitFor('presence unavailable', async () => (await presence()) === 'unavailable', 30_000, 200);
    // Kept across a reconnect: the new socket announces it again at login.
    await put(name, { always_online: true });
    await waitFor('presence available again', async () => (await presence()) === 'available', 30_000, 200);
    // The simulator keeps a presence with the connection that announced it: a new one starts with none.
    const before = (await device())?.connection;
    expect((await cluster.api('PUT', `/instance/${name}/restart`)).status).toBe(200);
    await waitFor(
      'presence available on the new connection',
      async () => {
        const now = await device();
        return now?.connection !== before && now?.connection !== null && now?.presence === 'available';
      },
      60_000,
      200,
    );
  }, 240_000);

  test('settings round trip through create and GET; bad input is a 400; another instance key is a 403', async () => {
    const created = await cluster.api('POST', '/instance/create', {
      name: 'roundtrip',
      settings: { read_status: true, sync_history: 'recent' },
    });
    expect(created.status).toBe(201);
    const got = await cluster.api('GET', '/instance/roundtrip/settings');
    expect(got.body.data).toMatchObject({ read_status: true, sync_history: 'recent', reject_calls: false });
    const unknown = await cluster.api('PUT', '/instance/roundtrip/settings', { proxy: 'http://x' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('body.proxy');
    const wrong = await cluster.api('PUT', '/instance/roundtrip/settings', { always_online: 1 });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body.error.details)).toContain('body.always_online');
    const other = await cluster.api('POST', '/instance/create', { name: 'roundtrip2' });
    const forbidden = await cluster.api(
      'PUT',
      '/instance/roundtrip/settings',
      { always_online: true },
      other.body.data.api_key,
    );
    expect(forbidden.status).toBe(403);
  }, 120_000);
});
