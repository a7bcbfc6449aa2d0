// The ingest benchmark: how fast TurboZap's API role accepts messages, beside floors measured in
// the same run. Run: bash scripts/with-tools.sh node bench/ingest.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { type Child, freePort, runBenchmark, runDir, startChild, waitForOutput } from './lib/children.ts';
import { monotonicMicros, type ProfileSummary, profilesIn, profileTables, summariseProfile } from './lib/cpuprofile.ts';
import { loadAmqp, loadPg, repoRoot } from './lib/deps.ts';
import { body, errorsOf, loader, type Measured, measuredRun, median, type VariantId } from './lib/ingest-load.ts';
import { cpuMeter, hostMeter, serviceCpu } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import {
  countRedisKeys,
  pgTransactions,
  provisionServices,
  type ServiceUrls,
  serviceDefaults,
} from './lib/services.ts';
import { createInstance, migrate, roleEnv, startRole } from './lib/turbozap.ts';

const usage = `
bench/ingest.ts — POST /api/message/:instance/text throughput and latency (autocannon), TurboZap's
API role (\`./turbozap api\` as a child process) beside floors measured in the same run:
  floor (a)  bare Express 5: key check + validation, reply 202
  floor (b)  (a) + one Postgres insert of the message row (pg pool 10) + one publish with confirm
             to a quorum queue (amqplib ConfirmChannel), before the 202 — the irreducible work
  turbozap   REDIS_RATE_LIMIT_RPM=0 (rate limit off)
  turbozap + rate limit   REDIS_RATE_LIMIT_RPM=1000000 (the Lua script runs on every request)
Then a second pass at half of TurboZap's maximum rate (autocannon overallRate), TurboZap and
floor (b) at the same offered rate, reporting p50/p99.

Needs PostgreSQL, RabbitMQ and Redis on loopback; creates its own database, vhost (rabbitmqctl)
and uses a Redis logical db, all removed at the end. Writes bench/results/ingest-<time>.json.

Usage: bash scripts/with-tools.sh node bench/ingest.ts [options]
  --duration S        seconds per measured run (default 10)
  --warmup S          seconds of warm-up before each measured run, not counted (default 3)
  --half-duration S   seconds of each half-rate run (default 10; 0 skips the pass)
  --connections N     autocannon connections (default 50)
  --rounds N          repeat every variant N times, report the median req/s run (default 1)
  --max-requests N    upper bound of requests per run (default 200000)
  --only LIST         comma-separated subset: floor-a,floor-b,turbozap,turbozap-rl
  --redis-db N        Redis logical db to use (default ${serviceDefaults.redisDb})
  --keep              keep the database and vhost (for looking at them afterwards)
  --profile           CPU-profile the servers (node --cpu-prof) and print where their time goes
                      (profiling slows them down: compare its figures only with each other)
  -h, --help
Goal (reported, not asserted): turbozap ≥ 0.7× floor (b) req/s; p99 < 50 ms at half rate; no errors.
`;

const flags = cli(usage, {
  duration: { type: 'string' },
  warmup: { type: 'string' },
  'half-duration': { type: 'string' },
  connections: { type: 'string' },
  rounds: { type: 'string' },
  'max-requests': { type: 'string' },
  only: { type: 'string' },
  'redis-db': { type: 'string' },
  keep: { type: 'boolean' },
  profile: { type: 'boolean' },
});
const profile = Boolean(flags.profile);
const duration = num(flags.duration, 10, 'duration');
const warmup = num(flags.warmup, 3, 'warmup');
const halfDuration = num(flags['half-duration'], 10, 'half-duration');
const connections = num(flags.connections, 50, 'connections');
const rounds = Math.max(1, num(flags.rounds, 1, 'rounds'));
const maxRequests = num(flags['max-requests'], 200_000, 'max-requests');
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');

const variantNames: Record<VariantId, string> = {
  'floor-a': 'floor (a): bare Express 5, 202',
  'floor-b': 'floor (b): + pg insert + confirmed quorum publish',
  turbozap: 'TurboZap API, rate limit off',
  'turbozap-rl': 'TurboZap API, rate limit on (Lua)',
};
const only = (flags.only?.split(',').map((s) => s.trim()) ?? Object.keys(variantNames)) as VariantId[];
for (const v of only) {
  if (!(v in variantNames)) {
    process.stderr.write(`--only: unknown variant ${v}\n`);
    process.exit(2);
  }
}
if (only.includes('turbozap') === false && halfDuration > 0)
  log('note: the half-rate pass needs turbozap in --only; skipped');

const floorQueue = 'bench.floor.send';
const sendQueue = 'whatsapp.send.messages';
const load = loader(connections, maxRequests);

async function main(): Promise<void> {
  log(
    `ingest benchmark: ${only.join(', ')}; ${duration}s runs after ${warmup}s warm-up, ${connections} connections, body ${Buffer.byteLength(body)} bytes`,
  );
  const services = await provisionServices('ingest', { ...serviceDefaults, redisDb, keep: Boolean(flags.keep) });
  const inUse = await countRedisKeys(services.redisUrl, 'turbozap:*');
  if (inUse > 0)
    log(
      `warning: Redis db ${redisDb} already has ${inUse} turbozap:* keys (another run?); pick another with --redis-db`,
    );
  log(`database ${services.database}, vhost ${services.vhost}, redis db ${redisDb}`);
  await migrate(services);

  // One API process to create the instance and its key; the variants below start their own servers.
  const setup = await startRole('api-setup', 'api', roleEnv(services, { REDIS_RATE_LIMIT_RPM: '0' }));
  const instance = await createInstance(setup.url, 'bench');
  await setup.child.stop();

  const pg = loadPg();
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 2 });
  pool.on('error', () => undefined); // an idle client dropped by the server is replaced on next use
  const amqp = await loadAmqp().connect(services.amqpUrl);
  amqp.on('error', () => undefined);
  const transactions = () => pgTransactions(pool, services.database);
  const countRows = async () => Number((await pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n);
  /** On a channel of its own: a missing queue closes the channel it was asked on. */
  const onChannel = async <T>(
    fn: (ch: Awaited<ReturnType<typeof amqp.createChannel>>) => Promise<T>,
    fallback: T,
  ): Promise<T> => {
    const ch = await amqp.createChannel();
    ch.on('error', () => undefined);
    try {
      return await fn(ch);
    } catch {
      return fallback;
    } finally {
      await ch.close().catch(() => undefined);
    }
  };
  const queueDepth = (queue: string) => onChannel(async (ch) => (await ch.checkQueue(queue)).messageCount, 0);
  const purge = (queue: string) => onChannel(async (ch) => void (await ch.purgeQueue(queue)), undefined);

  const results: Measured[] = [];
  /** The measured runs' time windows, for the profiles (start-up and warm-up left out). */
  const windows: Record<VariantId, [number, number][]> = {
    'floor-a': [],
    'floor-b': [],
    turbozap: [],
    'turbozap-rl': [],
  };
  const profileDir = (variant: VariantId) => `${runDir()}/profile-${variant}`;
  const profileArgs = (variant: VariantId) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir(variant)}`] : []);
  let halfTarget = 0;

  async function startServer(variant: VariantId): Promise<{ child: Child; url: string }> {
    if (variant === 'floor-a' || variant === 'floor-b') {
      const port = await freePort();
      const child = startChild(
        variant,
        process.execPath,
        [
          ...profileArgs(variant),
          `${repoRoot}/bench/floors/ingest-floor.ts`,
          '--variant',
          variant === 'floor-a' ? 'express' : 'commit',
          '--port',
          String(port),
        ],
        {
          env: {
            FLOOR_API_KEY: instance.key,
            DATABASE_URL: services.databaseUrl,
            FLOOR_INSTANCE_ID: instance.id,
            AMQP_URL: services.amqpUrl,
            FLOOR_QUEUE: floorQueue,
          },
        },
      );
      await waitForOutput(child, /floor listening on \d+/);
      return { child, url: `http://127.0.0.1:${port}` };
    }
    const rpm = variant === 'turbozap-rl' ? '1000000' : '0';
    const nodeOptions = profileArgs(variant).join(' ');
    const role = await startRole(
      variant,
      'api',
      roleEnv(services, { REDIS_RATE_LIMIT_RPM: rpm, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) }),
    );
    return { child: role.child, url: role.url };
  }

  async function runVariant(variant: VariantId, round: number): Promise<Measured> {
    const server = await startServer(variant);
    const target = `${server.url}/api/message/bench/text`;
    const queue = variant.startsWith('turbozap') ? sendQueue : floorQueue;
    try {
      const rows0 = await countRows();
      const queued0 = await queueDepth(queue);
      log(`  ${variantNames[variant]} (round ${round}): warm-up ${warmup}s`);
      let accepted = 0;
      if (warmup > 0) accepted += (await load(target, instance.key, warmup))['2xx'];
      log(`  ${variantNames[variant]} (round ${round}): measuring ${duration}s`);
      const cpu = cpuMeter(server.child.pid);
      const svc = serviceCpu(services.database);
      const host = hostMeter();
      const xacts0 = await transactions();
      const windowStart = monotonicMicros();
      const r = await load(target, instance.key, duration);
      windows[variant].push([windowStart, monotonicMicros()]);
      const serverCpu = cpu.stop();
      const svcCpu = svc.stop();
      const hostBusy = host.stop();
      await sleep(1_200); // Postgres flushes its statistics at most once a second
      const pgTransactionsPerReq = ((await transactions()) - xacts0) / Math.max(1, r['2xx']);
      accepted += r['2xx'];
      const m = measuredRun(variant, round, r, { server: serverCpu, ...svcCpu, hostBusy }, pgTransactionsPerReq);

      // Set once (the first round), so every half-rate run of every round offers the same rate.
      if (variant === 'turbozap' && halfDuration > 0 && halfTarget === 0)
        halfTarget = Math.max(1, Math.round(m.reqPerSec / 2));
      if ((variant === 'turbozap' || variant === 'floor-b') && halfDuration > 0 && halfTarget > 0) {
        log(
          `  ${variantNames[variant]} (round ${round}): ${halfDuration}s at ${halfTarget} req/s (half of TurboZap's max)`,
        );
        const hcpu = cpuMeter(server.child.pid);
        const h = await load(target, instance.key, halfDuration, halfTarget);
        const hServerCpu = hcpu.stop();
        accepted += h['2xx'];
        m.half = {
          targetRate: halfTarget,
          reqPerSec: h['2xx'] / h.duration,
          p50: h.latency.p50,
          p99: h.latency.p99,
          p999: h.latency.p99_9,
          errors: errorsOf(h),
          serverCpuMsPerReq: (hServerCpu * 1000) / Math.max(1, h['2xx']),
        };
      }

      // Positive control: every 202 is a committed row and (soon) a message in the queue.
      if (variant !== 'floor-a') {
        // Wait until both counts stop moving (requests cut off at the end of a run still finish).
        let rows = -1;
        let queued = -1;
        for (let i = 0; i < 40; i++) {
          const r = (await countRows()) - rows0;
          const q = (await queueDepth(queue)) - queued0;
          if (r === rows && q === queued && r === q) break;
          rows = r;
          queued = q;
          await sleep(250);
        }
        // Those cut-off requests are committed without their 202 reaching autocannon: at most one
        // per connection per load run (warm-up, measured, half rate).
        const slack = connections * 3;
        const consistent = rows >= accepted && rows <= accepted + slack && queued === rows;
        m.durable = { accepted, rows, queued, consistent };
        if (!consistent) log(`  WARNING: ${accepted} accepted but ${rows} rows and ${queued} queued`);
      }
      await purge(queue);
      return m;
    } finally {
      await server.child.stop();
    }
  }

  // TurboZap first: its maximum sets the half-rate pass's offered rate for floor (b) too.
  const order: VariantId[] = (['turbozap', 'floor-b', 'floor-a', 'turbozap-rl'] as VariantId[]).filter((v) =>
    only.includes(v),
  );
  for (let round = 1; round <= rounds; round++) {
    for (const variant of order) results.push(await runVariant(variant, round));
  }
  await amqp.close().catch(() => undefined);
  await pool.end();

  const profiles: Record<string, ProfileSummary[]> = {};
  if (profile) {
    for (const v of order) profiles[v] = profilesIn(profileDir(v)).map((f) => summariseProfile(f, 15, windows[v]));
  }
  report(results, services, profiles);
}

function report(results: Measured[], services: ServiceUrls, profiles: Record<string, ProfileSummary[]>): void {
  const byVariant = new Map<VariantId, Measured>();
  for (const v of Object.keys(variantNames) as VariantId[]) {
    const m = median(results.filter((r) => r.variant === v));
    if (m) byVariant.set(v, m);
  }
  const floorB = byVariant.get('floor-b');
  const rows: Row[] = [...byVariant.values()].map((m) => ({
    variant: variantNames[m.variant],
    'req/s': fmt.int(m.reqPerSec),
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    errors: m.errors,
    'vs floor (b)': floorB ? fmt.ratio(m.reqPerSec / floorB.reqPerSec) : '—',
    'server CPU ms/req': fmt.dec(m.serverCpuMsPerReq, 3),
    'pg CPU ms/req': m.variant === 'floor-a' ? '—' : fmt.dec(m.postgresCpuMsPerReq, 3),
    'pg xacts/req': m.variant === 'floor-a' ? '—' : fmt.dec(m.pgTransactionsPerReq, 2),
    'RabbitMQ CPU ms/req': m.variant === 'floor-a' ? '—' : fmt.dec(m.rabbitCpuMsPerReq, 3),
    '202s = rows = queued': m.durable
      ? m.durable.consistent
        ? 'yes'
        : `NO (${m.durable.accepted}/${m.durable.rows}/${m.durable.queued})`
      : '—',
    'host CPU busy': `${Math.round(m.hostBusy * 100)}%`,
  }));
  const halfRows: Row[] = [...byVariant.values()]
    .filter((m) => m.half)
    .map((m) => ({
      variant: variantNames[m.variant],
      'offered req/s': fmt.int(m.half?.targetRate ?? Number.NaN),
      'achieved req/s': fmt.int(m.half?.reqPerSec ?? Number.NaN),
      'p50 ms': m.half?.p50 ?? '—',
      'p99 ms': m.half?.p99 ?? '—',
      'p99.9 ms': m.half?.p999 ?? '—',
      errors: m.half?.errors ?? '—',
      'server CPU ms/req': fmt.dec(m.half?.serverCpuMsPerReq ?? Number.NaN, 3),
    }));

  const tz = byVariant.get('turbozap');
  const tzRl = byVariant.get('turbozap-rl');
  const goals: string[] = [];
  if (tz && floorB) {
    const ratio = tz.reqPerSec / floorB.reqPerSec;
    goals.push(
      `- throughput: TurboZap ${fmt.ratio(ratio)} floor (b) (goal ≥ 0.70×): ${ratio >= 0.7 ? 'met' : 'NOT met'}`,
    );
    const cpuRatio = tz.serverCpuMsPerReq / floorB.serverCpuMsPerReq;
    goals.push(
      `- server CPU per request: TurboZap ${fmt.dec(tz.serverCpuMsPerReq, 3)} ms vs floor (b) ${fmt.dec(floorB.serverCpuMsPerReq, 3)} ms (${fmt.ratio(cpuRatio)})`,
    );
  }
  if (tzRl && floorB) goals.push(`- with the rate limit on: ${fmt.ratio(tzRl.reqPerSec / floorB.reqPerSec)} floor (b)`);
  if (tz?.half)
    goals.push(
      `- p99 at half rate (${tz.half.targetRate} req/s): ${tz.half.p99} ms (goal < 50 ms): ${tz.half.p99 < 50 ? 'met' : 'NOT met'}`,
    );
  const totalErrors = results.reduce((n, r) => n + r.errors + (r.half?.errors ?? 0), 0);
  const tzErrors = results
    .filter((r) => r.variant.startsWith('turbozap'))
    .reduce((n, r) => n + r.errors + (r.half?.errors ?? 0), 0);
  goals.push(
    `- errors: TurboZap ${tzErrors}, all variants ${totalErrors} (goal: none): ${tzErrors === 0 ? 'met' : 'NOT met'}`,
  );

  const profileLines: string[] = [];
  for (const [variant, summaries] of Object.entries(profiles)) {
    for (const p of summaries) {
      profileLines.push(
        `### CPU profile: ${variantNames[variant as VariantId]} (${p.totalMs} ms sampled in the measured runs)`,
        '',
      );
      profileLines.push(...profileTables(p));
    }
  }
  const out = [
    `## Ingest: POST /api/message/:instance/text (${connections} connections, ${Buffer.byteLength(body)}-byte body, ${duration}s per run${rounds > 1 ? `, median of ${rounds} rounds` : ''})`,
    '',
    markdownTable(rows),
    '',
    ...(halfRows.length > 0
      ? ["### Half of TurboZap's maximum rate (autocannon overallRate)", '', markdownTable(halfRows), '']
      : []),
    '### Goals (reported, not asserted)',
    '',
    ...goals,
    '',
    ...(profileLines.length > 0
      ? ['(profiled run: throughput and latency above are slowed by the profiler)', '', ...profileLines]
      : []),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('ingest', {
    settings: {
      duration,
      warmup,
      halfDuration,
      connections,
      rounds,
      maxRequests,
      bodyBytes: Buffer.byteLength(body),
      variants: only,
    },
    services: { database: services.database, vhost: services.vhost, redisDb },
    summary: Object.fromEntries([...byVariant.entries()].map(([k, m]) => [k, { ...m, raw: undefined }])),
    runs: results,
    profiles,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
}

runBenchmark(main);
