import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988300001';
const BOB = '5511988300002';

interface OutboxEntry {
  id: string;
  readBy: string[];
}

// Every test links an instance of its own, so one failure stays one failure.
d('marking chats read end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  let instances = 0;

  const linked = async () => {
    instances++;
    const name = `reads${instances}`;
    const me = `55119773000${String(instances).padStart(2, '0')}`;
    const { key } = await cluster.linkInstance(name, me);
    return { name, me, key };
  };

  /** `from`'s phone sends a text to `to` (a phone or a group); resolves once the instance stored it. */
  const received = async (name: string, from: string, to: string, chat: string): Promise<string> => {
    const { id } = (await cluster.sim('POST', `/sim/accounts/${from}/send`, { to, text: `hello from ${from}` })) as {
      id: string;
    };
    await waitFor(
      `message ${id} stored by ${name}`,
      async () => {
        const { body } = await cluster.api('GET', `/message/${name}?remote=${encodeURIComponent(chat)}`);
        return (body.data as { wa_message_id: string | null }[]).some((m) => m.wa_message_id === id);
      },
      30_000,
      200,
    );
    return id;
  };

  /** Resolves once `phone`'s sent message `id` carries a read receipt from `reader`. */
  const seenReadBy = (phone: string, id: string, reader: string) =>
    waitFor(
      `${phone} sees ${id} read by ${reader}`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${phone}/outbox`)) as OutboxEntry[]).some(
          (e) => e.id === id && e.readBy.includes(reader),
        ),
      30_000,
      200,
    );

  const statusOf = async (name: string, chat: string, waId: string) => {
    const { body } = await cluster.api('GET', `/message/${name}?remote=${encodeURIComponent(chat)}`);
    return (body.data as { wa_message_id: string | null; status: string }[]).find((m) => m.wa_message_id === waId)
      ?.status;
  };

  beforeAll(async () => {
    await cluster.start();
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
  }, 60_000);

  test('a chat marked read without ids: its sender sees every unread message read, and a second call reads none', async () => {
    const { name, me } = await linked();
    const chat = `${ALICE}@s.whatsapp.net`;
    const first = await received(name, ALICE, me, chat);
    const second = await received(name, ALICE, me, chat);
    expect(await statusOf(name, chat, first)).toBe('delivered');

    const read = await cluster.api('POST', `/chat/${name}/read`, { jid: ALICE });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ read: 2 });
    await seenReadBy(ALICE, first, me);
    await seenReadBy(ALICE, second, me);
    expect(await statusOf(name, chat, first)).toBe('read');
    expect(await statusOf(name, chat, second)).toBe('read');

    // Recorded: nothing is marked twice.
    const again = await cluster.api('POST', `/chat/${name}/read`, { jid: ALICE });
    expect(again.body.data).toEqual({ read: 0 });

    // With ids, only those: a later message stays unread until named.
    const third = await received(name, ALICE, me, chat);
    const fourth = await received(name, ALICE, me, chat);
    const named = await cluster.api('POST', `/chat/${name}/read`, { jid: ALICE, message_ids: [third] });
    expect(named.body.data).toEqual({ read: 1 });
    await seenReadBy(ALICE, third, me);
    expect(await statusOf(name, chat, fourth)).toBe('delivered');
  }, 180_000);

  test('a group marked read: each author gets the receipt for their own message', async () => {
    const { name, me } = await linked();
    const group = (await cluster.sim('POST', '/sim/groups', {
      owner: ALICE,
      subject: 'Reads',
      participants: [me, BOB],
    })) as { jid: string };
    const fromAlice = await received(name, ALICE, group.jid, group.jid);
    const fromBob = await received(name, BOB, group.jid, group.jid);

    const read = await cluster.api('POST', `/chat/${name}/read`, { jid: group.jid });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ read: 2 });
    // A receipt without the author's participant reaches nobody: both arriving proves it was named.
    await seenReadBy(ALICE, fromAlice, me);
    await seenReadBy(BOB, fromBob, me);
    expect(await statusOf(name, group.jid, fromBob)).toBe('read');
  }, 180_000);

  test('bad input is a 400 that names the field', async () => {
    const { name } = await linked();
    const res = await cluster.api('POST', `/chat/${name}/read`, { jid: ALICE, ids: ['x'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain('body.ids');
  }, 120_000);
});
