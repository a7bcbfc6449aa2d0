// Memory per connected idle instance in one session-worker process, beside raw Baileys sockets
// (the floor), and the time to bring instances back from stored credentials after a restart.
// Run: bash scripts/with-tools.sh node bench/sessions.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark } from './lib/children.ts';
import { cpuMeter, memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { provisionServices, serviceDefaults, startS3 } from './lib/services.ts';
import { ClientProcess, startSim } from './lib/sim.ts';
import { instanceStatuses, linkUpTo, migrate, type RoleProcess, roleEnv, startRole } from './lib/turbozap.ts';

const usage = `
bench/sessions.ts — RSS per connected, idle instance in one session-worker process
(\`./turbozap session-worker\`, connected to the WhatsApp simulator) at 50 and 100 instances (add
200 with --steps 50,100,200), beside the floor: the same number of raw Baileys sockets (in-memory
auth) in one plain Node process. Then the restart: the session-worker is stopped (SIGTERM) and
a new one started, and the time until every instance is connected again from the credentials
stored (encrypted) in PostgreSQL is measured.

Instances are linked through the API (\`./turbozap api\`) and the simulator's /sim/scan.
Needs PostgreSQL, RabbitMQ, Redis on loopback (own database, vhost, Redis prefix; removed at
the end) and runs an s3rver (the workers need an S3 endpoint).

Usage: bash scripts/with-tools.sh node bench/sessions.ts [options]
  --steps LIST        instance counts to measure RSS at (default 50,100)
  --settle S          seconds over which RSS is sampled at each step; its minimum is kept (default 10)
  --restart           measure the restart too (default on; --no-restart skips it)
  --no-restart
  --no-floor          skip the raw-Baileys floor
  --timeout S         most seconds to wait for the restart (default 180)
  --redis-db N        Redis logical db (default ${serviceDefaults.redisDb})
  -h, --help
`;

const flags = cli(usage, {
  steps: { type: 'string' },
  settle: { type: 'string' },
  restart: { type: 'boolean' },
  'no-restart': { type: 'boolean' },
  'no-floor': { type: 'boolean' },
  timeout: { type: 'string' },
  'redis-db': { type: 'string' },
});
const steps = (flags.steps ?? '50,100').split(',').map((s) => Math.max(1, num(s, 1, 'steps')));
const settle = num(flags.settle, 10, 'settle');
const doRestart = !flags['no-restart'];
const withFloor = !flags['no-floor'];
const timeoutS = num(flags.timeout, 180, 'timeout');
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');

/**
 * The lowest RSS seen over `seconds` (sampled every 250 ms): garbage not yet collected makes a
 * single sample jumpy, and the trough after a collection is the closest to what is really held.
 * The same method for TurboZap and the floor.
 */
async function sampleRss(pid: number, seconds = Math.max(2, settle)): Promise<number> {
  let low = Number.POSITIVE_INFINITY;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    low = Math.min(low, memory(pid).rss);
    await sleep(250);
  }
  return low;
}

interface StepResult {
  instances: number;
  workerRss: number;
  workerPerInstanceKb: number;
  floorRss?: number;
  floorPerSessionKb?: number;
  linkSeconds: number;
}

async function main(): Promise<void> {
  log(`sessions: steps ${steps.join(', ')}; restart ${doRestart ? 'on' : 'off'}`);
  const services = await provisionServices('sessions', { ...serviceDefaults, redisDb });
  const s3 = await startS3();
  await migrate(services);
  const sim = await startSim();
  const env = roleEnv(services, {
    ...s3.env,
    SESSION_ENCRYPTION_KEY: 'cd'.repeat(32),
    WHATSAPP_SIMULATOR_URL: sim.url,
    REDIS_RATE_LIMIT_RPM: '0',
    SESSION_WORKER_CAPACITY: String(Math.max(200, ...steps)),
  });
  const apiRole = await startRole('api', 'api', env);
  let worker: RoleProcess = await startRole('session-worker', 'session-worker', env);
  await sleep(2_000);
  const workerBase = await sampleRss(worker.child.pid);
  const floor = withFloor ? new ClientProcess('floor-clients', sim) : undefined;
  await floor?.peer.ready;
  await sleep(1_000);
  const floorBase = floor ? await sampleRss(floor.pid) : 0;
  log(
    `session-worker pid ${worker.child.pid}: ${fmt.mb(workerBase)} MB idle with no instance; floor process ${fmt.mb(floorBase)} MB`,
  );

  const results: StepResult[] = [];
  const linked: { name: string; key: string }[] = [];
  let floorLinked = 0;
  let failure = '';
  for (const n of steps) {
    try {
      const t0 = Date.now();
      await linkUpTo(apiRole.url, sim.url, linked, n, { prefix: 'sess', phonePrefix: '553196' });
      const linkSeconds = (Date.now() - t0) / 1000;
      if (floor) {
        const r = await floor.link(
          Array.from(
            { length: Math.max(0, n - floorLinked) },
            (_, i) => `553195${String(floorLinked + i).padStart(7, '0')}`,
          ),
          4,
        );
        floorLinked += r.linked;
        if (r.failed > 0) throw new Error(`floor: ${r.failed} raw sessions failed to link: ${r.errors.join('; ')}`);
      }
      await sleep(2_000);
      const [workerRss, floorRss] = await Promise.all([
        sampleRss(worker.child.pid),
        floor ? sampleRss(floor.pid) : undefined,
      ]);
      const step: StepResult = {
        instances: n,
        workerRss,
        workerPerInstanceKb: (workerRss - workerBase) / 1024 / n,
        linkSeconds,
        ...(floorRss !== undefined ? { floorRss, floorPerSessionKb: (floorRss - floorBase) / 1024 / n } : {}),
      };
      results.push(step);
      log(
        `  ${n} instances: session-worker ${fmt.mb(workerRss)} MB (${fmt.int(step.workerPerInstanceKb)} KB each)` +
          (floorRss !== undefined
            ? `; floor ${fmt.mb(floorRss)} MB (${fmt.int(step.floorPerSessionKb ?? 0)} KB each)`
            : ''),
      );
    } catch (error) {
      failure = `at ${n} instances: ${error instanceof Error ? error.message : String(error)}`;
      log(`  FAILED ${failure}`);
      break;
    }
  }
  await floor?.end();

  let restart: Record<string, number> | undefined;
  const names = linked.map((l) => l.name);
  if (doRestart && !failure && names.length > 0) {
    try {
      log(`  restart: stopping the session-worker with ${names.length} connected instances`);
      const simBefore = await sim.stats();
      const stopAt = Date.now();
      await worker.child.stop('SIGTERM', 30_000);
      const stopSeconds = (Date.now() - stopAt) / 1000;
      const spawnAt = Date.now();
      worker = await startRole('session-worker-2', 'session-worker', env);
      const readySeconds = (Date.now() - spawnAt) / 1000;
      const cpu = cpuMeter(worker.child.pid);
      let connected = 0;
      const deadline = Date.now() + timeoutS * 1000;
      let firstConnected = 0;
      while (Date.now() < deadline) {
        const statuses = await instanceStatuses(apiRole.url);
        connected = names.filter((n) => statuses.get(n) === 'connected').length;
        if (connected > 0 && !firstConnected) firstConnected = Date.now();
        // A just-stopped worker may still be marked connected: count only after the new one logged in.
        const simNow = await sim.stats();
        if (connected === names.length && simNow.logins - simBefore.logins >= names.length) break;
        await sleep(250);
      }
      const allSeconds = (Date.now() - spawnAt) / 1000;
      const simAfter = await sim.stats();
      restart = {
        instances: names.length,
        connected,
        stopSeconds,
        readySeconds,
        allConnectedSeconds: allSeconds,
        logins: simAfter.logins - simBefore.logins,
        conflicts: simAfter.conflicts - simBefore.conflicts,
        workerCpuSeconds: cpu.stop(),
        workerRss: memory(worker.child.pid).rss,
      };
      log(`    ${connected}/${names.length} connected ${fmt.dec(allSeconds, 1)}s after the new worker was started`);
    } catch (error) {
      failure = `restart: ${error instanceof Error ? error.message : String(error)}`;
      log(`  FAILED ${failure}`);
    }
  }
  report(results, restart, workerBase, floorBase, failure);
}

function report(
  results: StepResult[],
  restart: Record<string, number> | undefined,
  workerBase: number,
  floorBase: number,
  failure: string,
): void {
  // Marginal: from the previous step (first-use costs such as lazily compiled code fall in the first).
  const rows: Row[] = results.map((r, i) => {
    const prev = results[i - 1];
    const dn = prev ? r.instances - prev.instances : 0;
    const marginal = prev && dn > 0 ? (r.workerRss - prev.workerRss) / 1024 / dn : Number.NaN;
    const floorMarginal =
      prev && dn > 0 && r.floorRss !== undefined && prev.floorRss !== undefined
        ? (r.floorRss - prev.floorRss) / 1024 / dn
        : Number.NaN;
    return {
      instances: r.instances,
      'session-worker RSS MB': fmt.mb(r.workerRss),
      'KB per instance': fmt.int(r.workerPerInstanceKb),
      'marginal KB': fmt.int(marginal),
      'floor RSS MB': r.floorRss !== undefined ? fmt.mb(r.floorRss) : '—',
      'floor KB per socket': r.floorPerSessionKb !== undefined ? fmt.int(r.floorPerSessionKb) : '—',
      'floor marginal KB': fmt.int(floorMarginal),
      'vs floor': r.floorPerSessionKb ? fmt.ratio(r.workerPerInstanceKb / r.floorPerSessionKb) : '—',
      'link time s': fmt.dec(r.linkSeconds, 1),
    };
  });
  const lines = [
    `## Sessions: RSS per connected idle instance (lowest RSS over ${settle}s at each step; session-worker at rest: ${fmt.mb(workerBase)} MB; floor process at rest: ${fmt.mb(floorBase)} MB)`,
    '',
    rows.length > 0 ? markdownTable(rows) : '(no step completed)',
    '',
  ];
  if (restart) {
    lines.push(
      '### Restart from stored credentials',
      '',
      markdownTable([
        {
          instances: restart.instances ?? 0,
          'connected again': restart.connected ?? 0,
          'old worker stop s': fmt.dec(restart.stopSeconds ?? Number.NaN, 1),
          'new worker ready s': fmt.dec(restart.readySeconds ?? Number.NaN, 1),
          'all connected s (from spawn)': fmt.dec(restart.allConnectedSeconds ?? Number.NaN, 1),
          'logins at sim': restart.logins ?? 0,
          conflicts: restart.conflicts ?? 0,
          'worker CPU s': fmt.dec(restart.workerCpuSeconds ?? Number.NaN, 1),
        },
      ]),
      '',
    );
  }
  if (failure) lines.push(`FAILED ${failure}`, '');
  const out = lines.join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('sessions', {
    settings: { steps, settle, doRestart, withFloor, timeoutS },
    results,
    restart,
    failure,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
  if (failure) process.exitCode = 1;
}

runBenchmark(main);
