import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWith } from '@turbozap/shared/testing/services';
import pg from 'pg';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988200001';

interface HookEvent {
  id: string;
  event: string;
  instance: { name: string };
  data: Record<string, unknown>;
}

/** One test's own instance, linked afresh, with the poll it sent to Alice. */
interface SentPoll {
  name: string;
  me: string;
  key: string;
  pollId: string;
  pollWaId: string;
}

/** Where a secret could show: its bytes as hex or base64. */
const secretForms = (secret: Buffer) => [secret.toString('hex'), secret.toString('base64').replace(/=+$/, '')];

// Every test links an instance of its own and sends its own poll, so one failure stays one failure.
d('poll votes end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  const events: HookEvent[] = [];
  const raw: string[] = [];
  let hook: Server;
  let hookUrl = '';
  let db: pg.Client;
  let aliceLid = '';
  let polls = 0;

  /** The contact votes; resolves with the `poll.vote` event the webhook received for it. */
  const vote = async (me: string, pollWaId: string, options: string[]) => {
    const { id } = await cluster.sim('POST', `/sim/accounts/${ALICE}/vote`, { to: me, pollId: pollWaId, options });
    return waitFor(
      `poll.vote for vote ${id}`,
      async () => events.find((e) => e.event === 'poll.vote' && e.data.vote_wa_message_id === id),
      30_000,
      250,
    );
  };
  const storedSecret = async (pollWaId: string) =>
    (await db.query('select secret from polls where wa_message_id = $1', [pollWaId])).rows[0]?.secret as
      | Buffer
      | undefined;

  /** A new instance of this test's own, its webhook set, linked by QR to a new phone. */
  const linked = async (): Promise<Omit<SentPoll, 'pollId' | 'pollWaId'>> => {
    polls++;
    const name = `polls${polls}`;
    const me = `55119772000${String(polls).padStart(2, '0')}`;
    // The webhook is set before the instance emits anything: a sender-worker caches an instance's
    // webhook settings for a second, so one set right after events flowed can miss the next ones.
    const created = await cluster.api('POST', '/instance/create', { name });
    expect(created.status).toBe(201);
    const key = created.body.data.api_key as string;
    const set = await cluster.api('POST', `/webhook/${name}/set`, {
      url: hookUrl,
      events: ['poll.vote', 'message.sent'],
    });
    expect(set.status).toBe(200);
    await cluster.api('POST', `/instance/${name}/connect`);
    const qr = await waitFor(
      `QR of ${name}`,
      async () => (await cluster.api('GET', `/instance/${name}/qrcode`)).body.data.qrcode as string,
      30_000,
      200,
    );
    await cluster.sim('POST', '/sim/scan', { phone: me, qr });
    await cluster.waitStatus(name, 'connected');
    return { name, me, key };
  };

  const sentPoll = async (): Promise<SentPoll> => {
    const { name, me, key } = await linked();
    const sent = await cluster.api(
      'POST',
      `/message/${name}/poll`,
      { to: ALICE, name: 'Lunch?', options: ['pizza', 'sushi', 'salad'], selectable_count: 2 },
      key,
    );
    expect(sent.status).toBe(202);
    const pollId = String(sent.body.data.id);
    const pollWaId = await waitFor(
      'the poll on the wire',
      async () => {
        const { body } = await cluster.api('GET', `/message/${name}/${pollId}`, undefined, key);
        return ['sent', 'delivered', 'read'].includes(body.data.status) && (body.data.wa_message_id as string);
      },
      60_000,
      250,
    );
    // Deliveries flowing before the votes: a consumer that subscribed before the broker topology
    // existed re-subscribes with backoff, which can outlast one vote's wait.
    await waitFor(
      'message.sent of the poll at the webhook',
      async () => events.some((e) => e.event === 'message.sent' && e.data.id === pollId),
      90_000,
      250,
    );
    await waitFor(
      "the poll in the contact's inbox",
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${ALICE}/inbox`)) as { id: string }[]).some((m) => m.id === pollWaId),
      30_000,
      250,
    );
    return { name, me, key, pollId, pollWaId };
  };

  beforeAll(async () => {
    await cluster.start();
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        raw.push(body);
        events.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker'),
      cluster.startRole('sender-worker'),
    ]);
    aliceLid = (await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' })).lid;
    db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    hook?.closeAllConnections();
    hook?.close();
    await cluster.stop();
  }, 120_000);

  test('a vote arrives as poll.vote with the chosen option names, in the poll order, and the voter', async () => {
    const { me, pollWaId } = await sentPoll();
    const event = await vote(me, pollWaId, ['sushi', 'pizza']);
    expect(event.data).toMatchObject({
      poll_wa_message_id: pollWaId,
      voter_jid: `${ALICE}@s.whatsapp.net`,
      voter_lid: aliceLid,
      selected_options: ['pizza', 'sushi'],
      decrypt_error: null,
    });
  }, 180_000);

  test('a changed vote is a second event with the new options; the latest vote per voter is kept', async () => {
    const { me, pollWaId } = await sentPoll();
    await vote(me, pollWaId, ['sushi', 'pizza']);
    const event = await vote(me, pollWaId, ['salad']);
    expect(event.data).toMatchObject({ poll_wa_message_id: pollWaId, selected_options: ['salad'] });
    const withdrawn = await vote(me, pollWaId, []);
    expect(withdrawn.data.selected_options).toEqual([]);
    expect(
      events
        .filter((e) => e.event === 'poll.vote' && e.data.poll_wa_message_id === pollWaId)
        .map((e) => e.data.selected_options),
    ).toEqual([['pizza', 'sushi'], ['salad'], []]);
    const { rows } = await db.query('select votes from polls where wa_message_id = $1', [pollWaId]);
    expect(rows[0].votes[`${ALICE}@s.whatsapp.net`]).toMatchObject({
      selected_options: [],
      vote_wa_message_id: withdrawn.data.vote_wa_message_id,
    });
  }, 180_000);

  test("the poll's secret is in no API answer, event or log", async () => {
    const { name, me, key, pollId, pollWaId } = await sentPoll();
    await vote(me, pollWaId, ['pizza']);
    const secret = await storedSecret(pollWaId);
    expect(secret).toHaveLength(32);
    const answers = [
      JSON.stringify((await cluster.api('GET', `/message/${name}/${pollId}`, undefined, key)).body),
      JSON.stringify((await cluster.api('GET', `/message/${name}?remote=${ALICE}`, undefined, key)).body),
      JSON.stringify((await cluster.api('GET', `/webhook/${name}/deliveries?limit=100`)).body),
    ];
    expect(answers[0]).toContain(pollWaId); // the search looks at the real answers
    const logs = cluster.roles.map((r) => r.output()).join('\n');
    for (const form of secretForms(secret!)) {
      for (const text of [...answers, ...raw, logs]) expect(text).not.toContain(form);
    }
  }, 180_000);

  test('a vote that does not decrypt, or for a poll without a stored secret, is announced with a decrypt_error', async () => {
    const { name, me, key, pollWaId } = await sentPoll();
    await db.query('update polls set secret = $1 where wa_message_id = $2', [randomBytes(32), pollWaId]);
    const garbled = await vote(me, pollWaId, ['pizza']);
    expect(garbled.data).toMatchObject({
      selected_options: null,
      decrypt_error: 'decrypt_failed',
      voter_jid: `${ALICE}@s.whatsapp.net`,
    });
    await db.query('delete from polls where wa_message_id = $1', [pollWaId]);
    const unknown = await vote(me, pollWaId, ['sushi']);
    expect(unknown.data).toMatchObject({
      poll_wa_message_id: pollWaId,
      selected_options: null,
      decrypt_error: 'unknown_poll',
    });
    // the worker is still receiving and sending
    const after = await cluster.api('POST', `/message/${name}/text`, { to: ALICE, text: 'still here' }, key);
    expect(after.status).toBe(202);
    await waitFor(
      'message.sent after the failed votes',
      async () => events.some((e) => e.event === 'message.sent' && e.data.id === after.body.data.id),
      30_000,
      250,
    );
  }, 180_000);

  test('a poll a contact sent us is kept with its secret: its votes decrypt to the option names', async () => {
    const { me } = await linked();
    const { id: theirPoll } = await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, {
      to: me,
      poll: { name: 'Where?', options: ['beach', 'hills', 'city'] },
    });
    await waitFor(
      "the contact's poll stored",
      async () =>
        (await db.query('select creator_jid from polls where wa_message_id = $1', [theirPoll])).rows[0]?.creator_jid,
      30_000,
      250,
    );
    const { id } = await cluster.sim('POST', `/sim/accounts/${ALICE}/vote`, {
      to: me,
      pollId: theirPoll,
      options: ['city', 'beach'],
    });
    const event = await waitFor(
      `poll.vote for vote ${id}`,
      async () => events.find((e) => e.event === 'poll.vote' && e.data.vote_wa_message_id === id),
      30_000,
      250,
    );
    expect(event.data).toMatchObject({
      poll_wa_message_id: theirPoll,
      voter_jid: `${ALICE}@s.whatsapp.net`,
      selected_options: ['beach', 'city'],
      decrypt_error: null,
    });
  }, 180_000);
});
