import { ensureRabbitRunning, restartRabbit } from '@turbozap/shared/testing/rabbitmq-server';
import { describeWith } from '@turbozap/shared/testing/services';
import pg from 'pg';
import { Cluster } from '../e2e/support/cluster.ts';
import { waitFor } from '../e2e/support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

d('send pipeline under faults: kill -9 a sender-worker and a session-worker, restart RabbitMQ', () => {
  const cluster = new Cluster();
  const instances = 10;
  const perInstance = 100;

  beforeAll(async () => {
    await cluster.start();
    await cluster.startRole('api');
    await Promise.all([cluster.startRole('session-worker'), cluster.startRole('session-worker')]);
    await Promise.all([cluster.startRole('sender-worker'), cluster.startRole('sender-worker')]);
  }, 180_000);
  afterAll(async () => {
    await ensureRabbitRunning().catch(() => {});
    await cluster.stop();
  }, 120_000);

  test('still exactly 1,000 nonces at the recipients, none twice, every message final', async () => {
    const names = Array.from({ length: instances }, (_, i) => `fault${i}`);
    const contacts = names.map((_, i) => `55119660${String(i).padStart(5, '0')}`);
    for (const [i, name] of names.entries()) {
      await cluster.linkInstance(name, `55119550${String(i).padStart(5, '0')}`);
      await cluster.sim('POST', '/sim/accounts', { phone: contacts[i] });
    }

    const accepted = new Map<string, string>();
    let faultsDone = false;
    const faults = (async () => {
      await waitFor('a third of the messages accepted', async () => accepted.size >= 300, 120_000, 50);
      cluster.roles.find((r) => r.role === 'sender-worker')?.kill('SIGKILL');
      await waitFor('two thirds accepted', async () => accepted.size >= 600, 120_000, 50);
      cluster.roles.find((r) => r.role === 'session-worker')?.kill('SIGKILL');
      await restartRabbit(2_000);
      faultsDone = true;
    })();
    await Promise.all(
      names.map(async (name, i) => {
        for (let n = 0; n < perInstance; n++) {
          const nonce = `${name}-${n}-${Math.random().toString(36).slice(2)}`;
          // The API commits before it publishes: with the broker down it still accepts (the relay publishes later).
          const res = await waitFor(`accept ${nonce}`, async () => {
            const r = await cluster
              .api('POST', `/message/${name}/text`, { to: contacts[i], text: nonce })
              .catch(() => null);
            return r?.status === 202 ? r : null;
          });
          accepted.set(res.body.data.id, nonce);
        }
      }),
    );
    await faults;
    expect(faultsDone).toBe(true);

    const inboxes = async () =>
      (await Promise.all(contacts.map((c) => cluster.sim('GET', `/sim/accounts/${c}/inbox`)))).flat() as {
        text?: string;
      }[];
    await waitFor(
      'every nonce at the recipients',
      async () => (await inboxes()).length >= accepted.size,
      300_000,
      2000,
    );
    const texts = (await inboxes()).map((m) => m.text ?? '');
    const counts = new Map<string, number>();
    for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.entries()].filter(([, c]) => c > 1)).toEqual([]);
    expect(new Set(texts)).toEqual(new Set(accepted.values()));

    const db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
    await waitFor(
      'every message in a final state',
      async () => {
        const { rows } = await db.query(
          `select status, count(*)::int as n from messages where direction = 'outbound' group by status`,
        );
        return rows.every((r: { status: string }) => ['sent', 'delivered', 'read'].includes(r.status));
      },
      120_000,
      1000,
    );
    await db.end();
    const stats = await cluster.sim('GET', '/sim/stats');
    expect(stats.conflicts).toBe(0);
  }, 900_000);
});
