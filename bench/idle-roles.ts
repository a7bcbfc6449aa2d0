// Resting RSS and CPU of each distributed role with no instance and no traffic: the fixed cost
// a container pays before any WhatsApp session (docs/OPERATIONS.md §4.2 is derived from it).
// Run: bash scripts/with-tools.sh node bench/idle-roles.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark } from './lib/children.ts';
import { cpuMeter, loadAverage, memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { provisionServices, serviceDefaults, startS3 } from './lib/services.ts';
import { startSim } from './lib/sim.ts';
import { linkInstance, migrate, roleEnv, startRole } from './lib/turbozap.ts';

const usage = `
bench/idle-roles.ts — RSS and CPU of \`./turbozap api\`, \`sender-worker\`, \`session-worker\` and
\`worker\` at rest: 0 instances, no requests, each role alone in its own process against the real
PostgreSQL, RabbitMQ, Redis (own database, vhost, Redis prefix; removed at the end) and an s3rver.
Every role runs its background loops (relays, sweeper, heartbeats, gauges) during the window.
Then (unless --instances 0) one session-worker holding N connected, idle instances (linked through
\`./turbozap api\` and the WhatsApp simulator's /sim/scan) is measured the same way, for the CPU a
connected instance costs while nothing is sent (keep-alives, pre-key checks, lease renewals).

Usage: bash scripts/with-tools.sh node bench/idle-roles.ts [options]
  --warmup S     seconds after /ready before measuring (default 15)
  --window S     seconds of measurement: RSS sampled every 250 ms, CPU over the window (default 60)
  --instances N  connected idle instances for the second measurement (default 50; 0 skips it)
  --roles LIST   roles measured at rest (default api,sender-worker,session-worker,worker; none: skip)
  --redis-db N   Redis logical db (default ${serviceDefaults.redisDb})
  -h, --help
`;

const flags = cli(usage, {
  warmup: { type: 'string' },
  window: { type: 'string' },
  instances: { type: 'string' },
  roles: { type: 'string' },
  'redis-db': { type: 'string' },
});
const warmupS = num(flags.warmup, 15, 'warmup');
const windowS = num(flags.window, 60, 'window');
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');
const instances = num(flags.instances, 50, 'instances');
const allRoles = ['api', 'sender-worker', 'session-worker', 'worker'] as const;
const roles = allRoles.filter((r) => (flags.roles ?? allRoles.join(',')).split(',').includes(r));

interface Sample {
  low: number;
  median: number;
  high: number;
  cpuPercent: number;
}

async function measure(pid: number): Promise<Sample> {
  const rss: number[] = [];
  const cpu = cpuMeter(pid);
  const started = Date.now();
  while (Date.now() - started < windowS * 1000) {
    rss.push(memory(pid).rss);
    await sleep(250);
  }
  const cpuPercent = (cpu.stop() / ((Date.now() - started) / 1000)) * 100;
  rss.sort((a, b) => a - b);
  return { low: rss[0] ?? 0, median: rss[Math.floor(rss.length / 2)] ?? 0, high: rss.at(-1) ?? 0, cpuPercent };
}

async function main(): Promise<void> {
  const services = await provisionServices('idle', { ...serviceDefaults, redisDb });
  const s3 = await startS3();
  await migrate(services);
  const env = roleEnv(services, {
    ...s3.env,
    SESSION_ENCRYPTION_KEY: 'cd'.repeat(32),
    // Pinned: the session-worker would otherwise look the current version up on the internet.
    WHATSAPP_WEB_VERSION: '2.3000.1023456789',
  });
  const rows: Row[] = [];
  const raw: Record<string, Sample> = {};
  for (const role of roles) {
    log(`${role}: starting, ${warmupS} s warm-up, ${windowS} s window`);
    const proc = await startRole(role, role, env);
    await sleep(warmupS * 1000);
    const load = loadAverage()[0] ?? 0;
    const s = await measure(proc.child.pid);
    await proc.child.stop('SIGTERM', 10_000);
    raw[role] = s;
    rows.push({
      role,
      'RSS low MB': fmt.mb(s.low),
      'RSS median MB': fmt.mb(s.median),
      'RSS high MB': fmt.mb(s.high),
      'CPU % of one core': fmt.dec(s.cpuPercent, 2),
      'load avg (1 min)': fmt.dec(load, 1),
    });
  }
  if (instances > 0) {
    const sim = await startSim();
    const withSim = { ...env, WHATSAPP_SIMULATOR_URL: sim.url, REDIS_RATE_LIMIT_RPM: '0' };
    const apiRole = await startRole('api-for-linking', 'api', withSim);
    const worker = await startRole('session-worker-n', 'session-worker', withSim);
    log(`linking ${instances} instances`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < instances) {
          const i = next++;
          await linkInstance(apiRole.url, sim.url, `idle${i}`, `553197${String(i).padStart(7, '0')}`);
        }
      }),
    );
    log(`session-worker with ${instances} connected instances: ${warmupS} s warm-up, ${windowS} s window`);
    await sleep(warmupS * 1000);
    const load = loadAverage()[0] ?? 0;
    const s = await measure(worker.child.pid);
    raw[`session-worker, ${instances} instances`] = s;
    rows.push({
      role: `session-worker, ${instances} connected idle instances`,
      'RSS low MB': fmt.mb(s.low),
      'RSS median MB': fmt.mb(s.median),
      'RSS high MB': fmt.mb(s.high),
      'CPU % of one core': fmt.dec(s.cpuPercent, 2),
      'load avg (1 min)': fmt.dec(load, 1),
    });
  }
  process.stdout.write(`\n${markdownTable(rows)}\n`);
  log(`results: ${writeResults('idle-roles', { warmupS, windowS, roles: raw })}`);
}

runBenchmark(main);
