import { createHash } from 'node:crypto';
import { describeWith } from '@turbozap/shared/testing/services';
import { testPng } from '@turbozap/wa-sim/testing/png';
import pg from 'pg';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988500001';
const BOB = '5511988500002';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface InboxEntry {
  id: string;
  from: string;
  type: string;
  text?: string;
  forwardingScore?: number;
  media?: { sha256?: string; error?: string };
}

interface StoredMessage {
  id: string;
  wa_message_id: string | null;
  status: string;
  error: string | null;
}

// Every test links an instance of its own, so one failure stays one failure.
d('forwarding end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  let db: pg.Client;
  let instances = 0;

  const linked = async () => {
    instances++;
    const name = `fwd${instances}`;
    const me = `55119775000${String(instances).padStart(2, '0')}`;
    const { key } = await cluster.linkInstance(name, me);
    return { name, me, key };
  };

  /** Alice's phone sends to the instance; resolves with the stored message once it is stored (media too). */
  const fromAlice = async (name: string, me: string, body: Record<string, unknown>): Promise<StoredMessage> => {
    const { id } = (await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, { to: me, ...body })) as { id: string };
    return waitFor(
      `message ${id} stored`,
      async () => {
        const { body: list } = await cluster.api('GET', `/message/${name}?remote=${ALICE}`);
        return (list.data as StoredMessage[]).find((m) => m.wa_message_id === id);
      },
      30_000,
      250,
    );
  };

  /** Forwards through the API; resolves with Bob's inbox entry of the copy. */
  const forwardToBob = async (name: string, id: string, key?: string): Promise<InboxEntry> => {
    const res = await cluster.api('POST', `/message/${name}/forward`, { id, to: BOB }, key);
    expect(res.status).toBe(202);
    const sent = await waitFor(
      `forward ${res.body.data.id} sent`,
      async () => {
        const { body } = await cluster.api('GET', `/message/${name}/${res.body.data.id}`);
        if (body.data.status === 'failed') throw new Error(`failed: ${body.data.error}`);
        return ['sent', 'delivered', 'read'].includes(body.data.status) && (body.data as StoredMessage);
      },
      60_000,
      250,
    );
    return waitFor(
      `forward ${sent.wa_message_id} in Bob's inbox`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${BOB}/inbox`)) as InboxEntry[]).find(
          (m) => m.id === sent.wa_message_id,
        ),
      30_000,
      250,
    );
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
    db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await cluster.stop();
  }, 60_000);

  test('a received text and a received image reach another chat marked forwarded, the image from the blob store', async () => {
    const { name, me } = await linked();
    const text = await fromAlice(name, me, { text: 'pass this on' });
    const copy = await forwardToBob(name, text.id);
    expect(copy).toMatchObject({ type: 'text', text: 'pass this on', forwardingScore: 1 });
    expect(copy.from).toBe(`${me}@s.whatsapp.net`);

    const png = testPng(20, 20);
    const image = await fromAlice(name, me, {
      media: { type: 'image', base64: png.toString('base64'), mimetype: 'image/png', caption: 'look' },
    });
    // Stored when received: the copy is uploaded anew from these bytes (the row keeps no URL to fetch).
    const { rows } = await db.query('select media_key from messages where id = $1', [image.id]);
    expect(rows[0]?.media_key).toEqual(expect.any(String));
    const media = await forwardToBob(name, image.id);
    expect(media).toMatchObject({ type: 'image', text: 'look', forwardingScore: 1, media: { sha256: sha(png) } });
  }, 180_000);

  test('a message the instance sent itself is forwarded without the mark, as WhatsApp clients do', async () => {
    const { name } = await linked();
    const sent = await cluster.api('POST', `/message/${name}/text`, { to: ALICE, text: 'mine' });
    expect(sent.status).toBe(202);
    const copy = await forwardToBob(name, sent.body.data.id);
    expect(copy).toMatchObject({ type: 'text', text: 'mine' });
    expect(copy.forwardingScore).toBeUndefined();
  }, 180_000);

  test('unknown ids, ids of another instance and messages that cannot be forwarded are refused before a 202', async () => {
    const one = await linked();
    const other = await linked();
    const theirs = await fromAlice(other.name, other.me, { text: 'not yours' });
    const unknown = await cluster.api('POST', `/message/${one.name}/forward`, {
      id: '00000000-0000-4000-8000-000000000000',
      to: BOB,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('message_not_found');
    const notUuid = await cluster.api('POST', `/message/${one.name}/forward`, { id: 'ABC', to: BOB });
    expect(notUuid.status).toBe(404);
    const crossed = await cluster.api('POST', `/message/${one.name}/forward`, { id: theirs.id, to: BOB }, one.key);
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe('message_not_found');

    const poll = await cluster.api('POST', `/message/${one.name}/poll`, { to: ALICE, name: 'Q?', options: ['a', 'b'] });
    const refused = await cluster.api('POST', `/message/${one.name}/forward`, { id: poll.body.data.id, to: BOB });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('message_not_forwardable');

    const extra = await cluster.api('POST', `/message/${one.name}/forward`, { id: theirs.id, to: BOB, text: 'x' });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body.error.details)).toContain('body.text');
    const count = await db.query(
      `select count(*)::int as n from messages m join instances i on i.id = m.instance_id
        where m.type = 'forward' and i.name in ($1, $2)`,
      [one.name, other.name],
    );
    expect(count.rows[0].n).toBe(0);
  }, 180_000);
});
