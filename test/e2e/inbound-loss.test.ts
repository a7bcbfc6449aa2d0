import { setTimeout as sleep } from 'node:timers/promises';
import { describeWith, testServices } from '@turbozap/shared/testing/services';
import { TcpProxy } from '@turbozap/shared/testing/tcp-proxy';
import { Cluster, type RoleProcess } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const TOTAL = 300;
/** Between two texts of one contact: 300 texts take ~10 s, so a fault lands mid-stream. */
const PACE_MS = 100;

interface Line {
  name: string;
  phone: string;
  contacts: string[];
}

/**
 * Received messages are acknowledged to WhatsApp only once stored: whatever happens to the
 * worker holding the instances, every text contacts send ends up stored exactly once.
 */
d('no received message lost: kill -9 of the session-worker, a Postgres outage', () => {
  const cluster = new Cluster();
  let postgres: TcpProxy;

  // One cluster for both tests (each links instances of its own): two session-workers reach
  // Postgres through a proxy the outage test cuts; the API and the test read it directly.
  beforeAll(async () => {
    await cluster.start();
    postgres = await TcpProxy.start(testServices.postgres);
    await cluster.startRole('api');
    const viaProxy = { DATABASE_URL: postgres.url(cluster.env.DATABASE_URL!) };
    await Promise.all([cluster.startRole('session-worker', viaProxy), cluster.startRole('session-worker', viaProxy)]);
  }, 180_000);
  afterAll(async () => {
    await postgres?.close();
    await cluster.stop();
  }, 120_000);

  /** Two instances, each written to by three contacts. */
  async function setUp(tag: string): Promise<Line[]> {
    const lines: Line[] = [];
    for (const [i, name] of [`${tag}a`, `${tag}b`].entries()) {
      const phone = `551197${tag === 'kill' ? 1 : 2}${i}0000${i}`;
      await cluster.linkInstance(name, phone);
      const contacts = [0, 1, 2].map((c) => `551196${tag === 'kill' ? 1 : 2}${i}${c}000${c}`);
      for (const contact of contacts) await cluster.sim('POST', '/sim/accounts', { phone: contact });
      lines.push({ name, phone, contacts });
    }
    return lines;
  }

  /** Contacts send TOTAL nonce texts, spread over the lines; `onSent(n)` runs after each. */
  async function sendNonces(lines: Line[], onSent: (sent: number) => Promise<void>): Promise<Map<string, string[]>> {
    const sent = new Map<string, string[]>(lines.map((l) => [l.name, []]));
    const senders = lines.flatMap((line) => line.contacts.map((contact) => ({ line, contact })));
    let count = 0;
    await Promise.all(
      senders.map(async ({ line, contact }, s) => {
        for (let n = s; n < TOTAL; n += senders.length) {
          const nonce = `nonce-${line.name}-${n}-${Math.random().toString(36).slice(2, 10)}`;
          await cluster.sim('POST', `/sim/accounts/${contact}/send`, { to: line.phone, text: nonce });
          sent.get(line.name)!.push(nonce);
          await onSent(++count);
          await sleep(PACE_MS);
        }
      }),
    );
    return sent;
  }

  /** Every nonce stored exactly once, per instance, as `GET /message/:name` lists them. */
  async function expectAllStoredOnce(sent: Map<string, string[]>): Promise<void> {
    const stored = async (name: string): Promise<string[]> => {
      const res = await cluster.api('GET', `/message/${name}?limit=500`);
      if (res.status !== 200) return [];
      return (res.body.data as Array<{ direction: string; content: { text?: string } }>)
        .filter((m) => m.direction === 'inbound')
        .map((m) => m.content.text ?? '');
    };
    for (const [name, nonces] of sent) {
      const texts = await waitFor(
        `${nonces.length} texts stored for ${name}`,
        async () => {
          const texts = await stored(name);
          return nonces.every((n) => texts.includes(n)) ? texts : null;
        },
        180_000,
        1_000,
      );
      const counts = new Map<string, number>();
      for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
      expect([...counts].filter(([, c]) => c > 1)).toEqual([]);
      expect(new Set(texts)).toEqual(new Set(nonces));
    }
    const total = [...sent.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBe(TOTAL);
  }

  const ownerOf = async (name: string): Promise<RoleProcess> => {
    const owner = (await cluster.api('GET', `/instance/${name}/status`)).body.data.owner as string;
    const worker = cluster.roles.find((r) => r.role === 'session-worker' && owner?.includes(`-${r.process.pid}-`));
    if (!worker) throw new Error(`no session-worker owns ${name} (owner ${owner})`);
    return worker;
  };

  test('kill -9 of the worker holding the instances mid-stream: all 300 stored once', async () => {
    const lines = await setUp('kill');
    const victim = await ownerOf(lines[0]!.name);
    const sent = await sendNonces(lines, async (n) => {
      if (n !== TOTAL / 3) return;
      // Hold Postgres' answers for a second first, so messages are received and not yet stored
      // when the owner dies (the window in which a receipt sent before the commit loses them).
      postgres.stall();
      await sleep(1_000);
      victim.kill('SIGKILL');
      postgres.cut();
      postgres.restore();
    });
    await expectAllStoredOnce(sent);
    expect((await cluster.sim('GET', '/sim/stats')).conflicts).toBe(0);
  }, 400_000);

  /** `turbozap_inbound_paused_sockets` summed over the session-workers. */
  const pausedSockets = async (): Promise<number> => {
    let sum = 0;
    for (const worker of cluster.roles.filter(
      (r) => r.role === 'session-worker' && r.process.exitCode === null && r.process.signalCode === null,
    )) {
      const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
      sum += Number(/^turbozap_inbound_paused_sockets (\S+)$/m.exec(text)?.[1] ?? 0);
    }
    return sum;
  };

  test('Postgres unreachable for 30 s mid-stream: all 300 stored once', async () => {
    const lines = await setUp('outage');
    let outage: Promise<void> | undefined;
    let pausedDuring = 0;
    const sent = await sendNonces(lines, async (n) => {
      if (n !== TOTAL / 3) return;
      postgres.cut();
      outage = sleep(30_000).then(() => postgres.restore());
      // What arrives while nothing can be stored is left unread on the socket, not queued here.
      void waitFor(
        'a socket paused',
        async () => {
          pausedDuring = await pausedSockets();
          return pausedDuring > 0;
        },
        25_000,
        500,
      ).catch(() => {});
    });
    await outage;
    await expectAllStoredOnce(sent);
    expect(pausedDuring).toBeGreaterThan(0);
    await waitFor('every socket read again', async () => (await pausedSockets()) === 0, 30_000, 500);
    expect((await cluster.sim('GET', '/sim/stats')).conflicts).toBe(0);
  }, 400_000);
});
