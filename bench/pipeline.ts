// End to end: a message accepted by TurboZap's API until the simulated contact has decrypted it,
// for 1, 10 and 50 instances, beside raw Baileys sockets sending the same messages to the same
// simulator with no gateway (the floor). Run: bash scripts/with-tools.sh node bench/pipeline.ts [--help]
import { onCleanup, runBenchmark, runDir } from './lib/children.ts';
import { type ProfileSummary, profilesIn, profileTables, summariseProfile } from './lib/cpuprofile.ts';
import { loadPg } from './lib/deps.ts';
import { halfRateTable, runHalfRate } from './lib/half-rate.ts';
import { type Gateway, type PipelineContext, type Run, runBacklog, runFloor, runGateway } from './lib/pipeline-runs.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { pgTransactions, provisionServices, serviceDefaults, startS3 } from './lib/services.ts';
import { ClientProcess, startSim } from './lib/sim.ts';
import { linkUpTo, migrate, roleEnv, startRole } from './lib/turbozap.ts';

const usage = `
bench/pipeline.ts — end-to-end send throughput and latency: POST /api/message/:instance/text
accepted by \`./turbozap api\`, carried by \`./turbozap sender-worker\` and \`./turbozap session-worker\`
(separate processes, so each one's CPU is measured on its own) to the
WhatsApp simulator (\`./turbozap sim\`), until the simulated contact decrypted it. Floor: raw
Baileys sockets (in-memory auth, one client process, same Node) sending the same number of
messages to the same simulator with no gateway: once as fast as --window allows, once paced at
TurboZap's end-to-end rate (a process fed at a trickle amortises less per message; the
"… at the same rate" column compares like with like).

For each instance count (default 1, 10, 50) the instances are linked through the API and the
simulator's /sim/scan; --messages texts are spread over them and submitted as fast as
--concurrency allows; the contact's inbox is polled every 100 ms (the latency resolution).
Each nonce must arrive exactly once. Needs PostgreSQL, RabbitMQ, Redis on loopback (own database,
vhost, Redis prefix; removed at the end) and runs an s3rver for the workers.

Usage: bash scripts/with-tools.sh node bench/pipeline.ts [options]
  --instances LIST    instance counts (default 1,10,50)
  --messages N        messages per instance count (default 200)
  --concurrency N     API requests in flight (default 50)
  --window N          floor: unresolved sends in flight per socket (default 4)
  --timeout S         most seconds to wait for one count's messages to arrive (default 120)
  --no-floor          skip the raw-Baileys floor
  --no-prime          do not send one unmeasured message per instance first (Signal session set-up,
                      usync) — then the first-message costs are part of the measurement
  --half-seconds S    then TurboZap at half of its measured rate for S seconds (default 10; 0 skips):
                      p50/p99 of an idle-ish message (the issue's "p99 under 1 s at half rate")
  --redis-db N        Redis logical db (default ${serviceDefaults.redisDb})
  --backlog           after each TurboZap run, the same number of messages accepted while the
                      session-worker is paused (SIGSTOP) and handed to its outboxes, then sent by it
                      from that backlog — as the floor sends: its CPU per message when it is the
                      bottleneck, not fed at the rate of the processes before it (p50/p99 not shown:
                      they include the pause)
  --profile           CPU-profile the session-worker (node --cpu-prof) and print where its time goes
                      while TurboZap's messages are measured (profiling slows it down)
  -h, --help
`;

const flags = cli(usage, {
  instances: { type: 'string' },
  messages: { type: 'string' },
  concurrency: { type: 'string' },
  window: { type: 'string' },
  timeout: { type: 'string' },
  'no-floor': { type: 'boolean' },
  'no-prime': { type: 'boolean' },
  'half-seconds': { type: 'string' },
  profile: { type: 'boolean' },
  backlog: { type: 'boolean' },
  'redis-db': { type: 'string' },
});
const counts = (flags.instances ?? '1,10,50').split(',').map((s) => Math.max(1, num(s, 1, 'instances')));
const messages = Math.max(1, num(flags.messages, 200, 'messages'));
const concurrency = Math.max(1, num(flags.concurrency, 50, 'concurrency'));
const window = Math.max(1, num(flags.window, 4, 'window'));
const timeoutS = num(flags.timeout, 120, 'timeout');
const withFloor = !flags['no-floor'];
const prime = !flags['no-prime'];
const halfSeconds = num(flags['half-seconds'], 10, 'half-seconds');
const profile = Boolean(flags.profile);
const backlog = Boolean(flags.backlog);
const profileDir = () => `${runDir()}/profile-session-worker`;
/** Shared with the runs; `database`, `transactions` and `readyCount` are set once the run's services exist. */
const ctx: PipelineContext = {
  messages,
  concurrency,
  timeoutS,
  window,
  prime,
  database: '',
  transactions: async () => 0,
  readyCount: async () => 0,
  windows: [],
};
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');

const contactFor = (variant: number, step: number) => `55219${variant}${String(step).padStart(2, '0')}000001`;

async function main(): Promise<void> {
  log(`pipeline: instances ${counts.join(', ')}; ${messages} messages each; API concurrency ${concurrency}`);
  const services = await provisionServices('pipeline', { ...serviceDefaults, redisDb });
  const s3 = await startS3();
  await migrate(services);
  const sim = await startSim();
  const env = roleEnv(services, {
    ...s3.env,
    SESSION_ENCRYPTION_KEY: 'cd'.repeat(32),
    WHATSAPP_SIMULATOR_URL: sim.url,
    REDIS_RATE_LIMIT_RPM: '0',
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
  });
  ctx.database = services.database;
  const pool = new (loadPg().Pool)({ connectionString: services.databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  onCleanup(() => pool.end());
  ctx.transactions = () => pgTransactions(pool, services.database);
  ctx.readyCount = async (tag) =>
    Number(
      (
        await pool.query("SELECT count(*) AS n FROM messages WHERE status = 'ready' AND content->>'text' LIKE $1", [
          `${tag} %`,
        ])
      ).rows[0].n,
    );
  const apiRole = await startRole('api', 'api', env);
  const sender = await startRole('sender', 'sender-worker', env);
  const session = await startRole('session', 'session-worker', {
    ...env,
    ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir()}` } : {}),
  });
  const gateway: Gateway = { sim, apiRole, workers: { session, sender } };
  log(
    `api ${apiRole.url}, session-worker pid ${session.child.pid}, sender-worker pid ${sender.child.pid}, simulator ${sim.url}`,
  );

  const floorClients = withFloor ? new ClientProcess('floor-clients', sim) : undefined;
  await floorClients?.peer.ready;

  const runs: Run[] = [];
  const instances: { name: string; key: string }[] = [];
  let floorLinked = 0;
  let failure = '';
  for (const [stepIndex, n] of counts.entries()) {
    try {
      // Link instances up to n through the gateway (4 at a time).
      const t0 = Date.now();
      const before = instances.length;
      await linkUpTo(apiRole.url, sim.url, instances, n, { prefix: 'pipe', phonePrefix: '553197' });
      if (instances.length > before)
        log(`  ${instances.length} instances connected (${fmt.dec((Date.now() - t0) / 1000, 1)}s)`);
      const run = await runGateway(ctx, gateway, instances.slice(0, n), contactFor(1, stepIndex));
      runs.push(run);
      if (backlog) runs.push(await runBacklog(ctx, gateway, instances.slice(0, n), contactFor(1, stepIndex)));
      if (halfSeconds > 0 && run.perSecond > 0) {
        // The same contact: its Signal sessions are set up, so only the steady state is measured.
        run.half = await runHalfRate(sim, apiRole.url, instances.slice(0, n), contactFor(1, stepIndex), {
          rate: run.perSecond / 2,
          seconds: halfSeconds,
          timeoutS,
        });
      }
      if (floorClients) {
        const linked = await floorClients.link(
          Array.from(
            { length: Math.max(0, n - floorLinked) },
            (_, i) => `553198${String(floorLinked + i).padStart(7, '0')}`,
          ),
          4,
        );
        floorLinked += linked.linked;
        if (linked.failed > 0)
          throw new Error(`floor: ${linked.failed} raw sessions failed to link: ${linked.errors.join('; ')}`);
        runs.push(await runFloor(ctx, sim, floorClients, n, contactFor(2, stepIndex)));
        // The same sockets fed at TurboZap's end-to-end rate: a sender fed a trickle amortises less per message.
        runs.push(await runFloor(ctx, sim, floorClients, n, contactFor(2, stepIndex), run.perSecond));
      }
    } catch (error) {
      failure = `at ${n} instances: ${error instanceof Error ? error.message : String(error)}`;
      log(`  FAILED ${failure}`);
      break;
    }
  }
  await floorClients?.end();
  let profiles: ProfileSummary[] = [];
  if (profile) {
    await session.child.stop(); // the profile is written at exit
    profiles = profilesIn(profileDir()).map((f) => summariseProfile(f, 20, ctx.windows));
  }
  report(runs, failure, profiles);
}

const variantNames: Record<Run['variant'], string> = {
  turbozap: 'TurboZap (api, sender, session)',
  backlog: 'TurboZap, session-worker sending a backlog',
  floor: 'floor: raw Baileys',
  paced: "floor at TurboZap's end-to-end rate",
};

function report(runs: Run[], failure: string, profiles: ProfileSummary[]): void {
  const rows: Row[] = runs.map((r) => {
    const floor = runs.find((f) => f.variant === 'floor' && f.instances === r.instances);
    const paced = runs.find((f) => f.variant === 'paced' && f.instances === r.instances);
    return {
      variant: variantNames[r.variant],
      instances: r.instances,
      delivered: `${r.delivered}/${r.submitted}`,
      duplicates: r.duplicates,
      'rejected/failed': r.rejected,
      'msg/s': fmt.int(r.perSecond),
      'vs floor':
        (r.variant === 'turbozap' || r.variant === 'backlog') && floor ? fmt.ratio(r.perSecond / floor.perSecond) : '—',
      'p50 ms': r.variant === 'backlog' ? '—' : r.p50,
      'p99 ms': r.variant === 'backlog' ? '—' : r.p99,
      'session-worker CPU vs floor client':
        (r.variant === 'turbozap' || r.variant === 'backlog') && floor?.cpuMsPerMessage['client']
          ? fmt.ratio((r.cpuMsPerMessage['session'] ?? 0) / floor.cpuMsPerMessage['client'])
          : '—',
      '… at the same rate':
        r.variant === 'turbozap' && paced?.cpuMsPerMessage['client']
          ? fmt.ratio((r.cpuMsPerMessage['session'] ?? 0) / paced.cpuMsPerMessage['client'])
          : '—',
      'pg xacts/msg': r.pgTransactionsPerMessage !== undefined ? fmt.dec(r.pgTransactionsPerMessage, 1) : '—',
      'CPU ms/msg': Object.entries(r.cpuMsPerMessage)
        .map(([k, v]) => `${k} ${fmt.dec(v, 2)}`)
        .join(', '),
      'host CPU busy': `${Math.round(r.hostBusy * 100)}%`,
    };
  });
  const out = [
    `## Pipeline: API accept → contact decrypted (${messages} messages per instance count${prime ? ', after one unmeasured message per instance' : ''}; latency resolution 100 ms)`,
    '',
    rows.length > 0 ? markdownTable(rows) : '(no run completed)',
    '',
    ...halfRateTable(
      runs.flatMap((r) => (r.half ? [{ instances: r.instances, ...r.half }] : [])),
      halfSeconds,
    ),
    ...(failure ? [`FAILED ${failure}`, ''] : []),
    ...profiles.flatMap((p) => [
      `### Session-worker CPU profile while TurboZap's messages were measured (${p.totalMs} ms sampled; profiling slows it down)`,
      '',
      ...profileTables(p),
    ]),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('pipeline', {
    settings: { counts, messages, concurrency, window, timeoutS, withFloor, prime, halfSeconds, backlog },
    runs,
    failure,
    profiles,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
  if (failure) process.exitCode = 1;
}

runBenchmark(main);
