// Memory of a session-worker while Postgres is unreachable and contacts keep writing: what
// arrives is left with WhatsApp (the socket is not read), not queued in the worker.
// Run: bash scripts/with-tools.sh node bench/inbound-outage.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '../packages/shared/src/testing/tcp-proxy.ts';
import { onCleanup, runBenchmark } from './lib/children.ts';
import { loadPg } from './lib/deps.ts';
import { createContacts, linkRobust, lowestRss } from './lib/gateway.ts';
import { memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { provisionServices, serviceDefaults, startS3 } from './lib/services.ts';
import { startSim } from './lib/sim.ts';
import { migrate, roleEnv, startRole, until } from './lib/turbozap.ts';

const usage = `
bench/inbound-outage.ts — does a session-worker's memory stay bounded while Postgres is
unreachable and contacts keep writing? \`./turbozap api\` and one \`./turbozap session-worker\`
(its Postgres through a TCP proxy the bench cuts) hold --instances linked instances; --contacts
simulated contacts each write to every instance. First --warm texts with Postgres up (sessions
exist, the worker is warm); its RSS at rest is the floor. Then the proxy is cut for --outage
seconds while the contacts send --messages texts as fast as the simulator takes them; the
worker's RSS is sampled every 250 ms. Postgres comes back; every text must then be stored
exactly once (counted in its database). Reports the floor, the peak during the outage and its
ratio to the floor, the peak while the backlog is stored (the worker working flat out, not
holding anything back), RSS at rest after, the paused-socket gauge, and the texts stored.
Goal (reported, not asserted): the outage's peak ≤ 1.25 × the floor whatever --messages is;
every text stored once.

Needs PostgreSQL, RabbitMQ, Redis on loopback (own database, vhost, Redis prefix; removed at
the end) and runs an s3rver. Writes bench/results/inbound-outage-<time>.json.

Usage: bash scripts/with-tools.sh node bench/inbound-outage.ts [options]
  --instances N     linked instances (default 2)
  --contacts N      simulated contacts, each writing to every instance (default 10)
  --warm N          texts sent with Postgres up first (default 200)
  --messages N      texts sent during the outage (default 10000)
  --outage S        seconds Postgres stays unreachable, at least as long as the sending (default 120)
  --concurrency N   simulator requests in flight (default 32)
  -h, --help
`;

const flags = cli(usage, {
  instances: { type: 'string' },
  contacts: { type: 'string' },
  warm: { type: 'string' },
  messages: { type: 'string' },
  outage: { type: 'string' },
  concurrency: { type: 'string' },
});
const instanceCount = Math.max(1, num(flags.instances, 2, 'instances'));
const contactCount = Math.max(1, num(flags.contacts, 10, 'contacts'));
const warm = num(flags.warm, 200, 'warm');
const messages = num(flags.messages, 10_000, 'messages');
const outageS = num(flags.outage, 120, 'outage');
const concurrency = Math.max(1, num(flags.concurrency, 32, 'concurrency'));

const instances = Array.from({ length: instanceCount }, (_, i) => ({
  name: `outage${i}`,
  phone: `5511970${String(i).padStart(6, '0')}`,
}));
const contacts = Array.from({ length: contactCount }, (_, i) => `5511960${String(i).padStart(6, '0')}`);

runBenchmark(async () => {
  const services = await provisionServices('inbound_outage', serviceDefaults);
  const s3 = await startS3();
  await migrate(services);
  const sim = await startSim();
  const postgres = await TcpProxy.start(services.databaseUrl);
  onCleanup(() => postgres.close());
  const env = roleEnv(services, {
    ...s3.env,
    SESSION_ENCRYPTION_KEY: 'cd'.repeat(32),
    WHATSAPP_SIMULATOR_URL: sim.url,
    REDIS_RATE_LIMIT_RPM: '0',
    SEND_RATE_PER_MINUTE: '0',
  });
  const apiRole = await startRole('api', 'api', env);
  const worker = await startRole('session-worker', 'session-worker', {
    ...env,
    DATABASE_URL: postgres.url(services.databaseUrl),
  });
  const pid = worker.child.pid;
  for (const i of instances) await linkRobust(apiRole.url, sim.url, i.name, i.phone);
  await createContacts(sim, contacts);
  log(`${instanceCount} instances linked, ${contactCount} contacts`);

  let sentTotal = 0;
  /** `count` texts, round-robin over contacts × instances, `concurrency` simulator calls at once. */
  const send = async (count: number, tag: string): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const n = next++;
          const from = contacts[n % contactCount] as string;
          const to = instances[Math.floor(n / contactCount) % instanceCount] as { phone: string };
          await sim.post(`/sim/accounts/${from}/send`, { to: to.phone, text: `${tag}-${n}` });
        }
      }),
    );
    sentTotal += count;
  };
  // Counted in the database directly (the API's listing pages by time, which ties could skew).
  const pool = new (loadPg().Pool)({ connectionString: services.databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  onCleanup(() => pool.end());
  const stored = async (): Promise<{ total: number; unique: number }> => {
    const { rows } = await pool.query(
      `SELECT count(*) AS total, count(DISTINCT (instance_id, content->>'text')) AS unique
         FROM messages WHERE direction = 'inbound'`,
      [],
    );
    return { total: Number(rows[0]?.total), unique: Number(rows[0]?.unique) };
  };
  const paused = async (): Promise<number> => {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    return Number(/^turbozap_inbound_paused_sockets (\S+)$/m.exec(text)?.[1] ?? 0);
  };

  await send(warm, 'warm');
  await until('the warm-up texts stored', async () => (await stored()).unique >= warm || undefined, 300_000);
  const floor = await lowestRss(pid, 5);
  log(`floor: ${fmt.mb(floor)} RSS at rest after ${warm} texts`);

  postgres.cut();
  const cutAt = Date.now();
  let peak = 0;
  let pausedMax = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, memory(pid).rss);
      pausedMax = Math.max(pausedMax, await paused().catch(() => 0));
      await sleep(250);
    }
  })();
  await send(messages, 'outage');
  const sentIn = (Date.now() - cutAt) / 1000;
  log(`${messages} texts sent in ${sentIn.toFixed(1)} s with Postgres cut`);
  await sleep(Math.max(0, cutAt + outageS * 1000 - Date.now()));
  const outagePeak = peak;
  const atRestore = memory(pid).rss;
  peak = 0;
  postgres.restore();
  const restoredAt = Date.now();
  const all = await until(
    'every text stored',
    async () => {
      const s = await stored();
      return s.unique >= warm + messages ? s : undefined;
    },
    900_000,
  );
  const catchUp = (Date.now() - restoredAt) / 1000;
  sampling = false;
  await sampler;
  const after = await lowestRss(pid, 5);

  const rows: Row[] = [
    {
      'floor RSS': fmt.mb(floor),
      'peak RSS in outage': fmt.mb(outagePeak),
      'peak ÷ floor': (outagePeak / floor).toFixed(2),
      'RSS at restore': fmt.mb(atRestore),
      'peak RSS in catch-up': fmt.mb(peak),
      'RSS at rest after': fmt.mb(after),
      'texts in outage': messages,
      'sent in s': sentIn.toFixed(1),
      'paused sockets (max)': pausedMax,
      'stored / unique / sent': `${all.total} / ${all.unique} / ${sentTotal}`,
      'catch-up s': catchUp.toFixed(1),
    },
  ];
  const table = markdownTable(rows);
  process.stdout.write(`\n${table}\n`);
  const once = all.total === all.unique && all.unique === sentTotal;
  process.stdout.write(
    `\nGoals: peak in the outage ≤ 1.25 × floor: ${outagePeak <= 1.25 * floor ? 'met' : 'NOT met'} ` +
      `(${(outagePeak / floor).toFixed(2)}×); ` +
      `every text stored once: ${once ? 'met' : 'NOT met'}\n`,
  );
  const file = writeResults('inbound-outage', {
    instances: instanceCount,
    contacts: contactCount,
    warm,
    messages,
    outageS,
    floor,
    outagePeak,
    atRestore,
    catchUpPeak: peak,
    after,
    pausedMax,
    stored: all,
    sent: sentTotal,
    catchUpS: catchUp,
  });
  log(`results: ${file}`);
});
