import { describeWith, testServices } from '@turbozap/shared/testing/services';
import { TcpProxy } from '@turbozap/shared/testing/tcp-proxy';
import pg from 'pg';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const PHONE = '5511973000001';
const CONTACT = '5511963000001';

/**
 * A session-worker killed after a message went out on its socket and before `sent` was
 * committed leaves the row `sending`. Within MESSAGE_TTL the next owner sends it again with the
 * same WhatsApp id, which the recipient de-duplicates: one copy arrives, the row ends `sent`.
 */
d('kill -9 between the socket write and the sent commit', () => {
  const cluster = new Cluster();
  let proxy: TcpProxy;
  let db: pg.Client;

  beforeAll(async () => {
    await cluster.start();
    proxy = await TcpProxy.start(testServices.postgres);
    // Pacing holds a claimed message (`sending`) for ~5 s before its socket write: the window
    // in which the test takes the worker's database away.
    cluster.env.SEND_RATE_PER_MINUTE = '12';
    cluster.env.MESSAGE_TTL = '60s';
    await cluster.startRole('api');
    await cluster.startRole('sender-worker');
    // A lease long enough (lost after ⅔ of it, 13 s, without Postgres) to outlast the pacing wait.
    await cluster.startRole('session-worker', {
      DATABASE_URL: proxy.url(cluster.env.DATABASE_URL!),
      LEASE_TTL: '20s',
    });
    await cluster.linkInstance('crash', PHONE);
    // No delivery receipts: a receipt redelivered to the next owner would settle the row without
    // the re-send this test is about.
    await cluster.sim('POST', '/sim/accounts', { phone: CONTACT, deliveryReceipts: false });
    db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await proxy?.close();
    await cluster.stop();
  }, 120_000);

  const statusOf = async (id: string) =>
    (await db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id])).rows[0]?.status;
  const inboxTexts = async () =>
    ((await cluster.sim('GET', `/sim/accounts/${CONTACT}/inbox`)) as Array<{ text?: string }>).map((m) => m.text);
  const send = async (text: string) =>
    (await cluster.api('POST', '/message/crash/text', { to: CONTACT, text })).body.data.id as string;

  test('the message reaches the contact once and ends sent', async () => {
    // Two at once: the first goes out at once, the second is claimed right after and waits ~5 s
    // for its turn — a window that does not depend on how fast this test saw the first one.
    await send('first, sets the pace');
    const nonce = `on the wire, not committed ${Math.random().toString(36).slice(2)}`;
    const second = await send(nonce);
    await waitFor('second claimed', async () => (await statusOf(second)) === 'sending', 30_000, 25);
    proxy.cut(); // from here the worker cannot commit `sent`
    await waitFor('second on the wire', async () => (await inboxTexts()).includes(nonce), 30_000, 100);
    const victim = cluster.roles.find((r) => r.role === 'session-worker')!;
    victim.kill('SIGKILL');
    await victim.exited;
    expect(await statusOf(second)).toBe('sending');

    proxy.restore();
    await cluster.startRole('session-worker');
    await waitFor('second sent by the next owner', async () => (await statusOf(second)) === 'sent', 60_000, 250);
    expect((await inboxTexts()).filter((t) => t === nonce)).toHaveLength(1);
    const { rows } = await db.query<{ history: Array<{ status: string }> }>(
      'SELECT history FROM messages WHERE id = $1',
      [second],
    );
    // Claimed twice: by the worker that died and by the next owner.
    const statuses = rows[0]!.history.map((h) => h.status);
    expect(statuses.filter((s) => s === 'sending').length).toBeGreaterThanOrEqual(2);
    expect(statuses.at(-1)).toBe('sent');
  }, 240_000);
});
