// Many instances across several session-worker processes on one machine: link N instances, check
// every one is connected and can send, and report RSS per process and per instance.
// Run: bash scripts/with-tools.sh node bench/sessions-scale.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark } from './lib/children.ts';
import {
  countConnected,
  createContacts,
  fullRestart,
  type Linked,
  leasesHeld,
  linkMany,
  lowestRss,
  sendAndWatch,
  startGateway,
} from './lib/gateway.ts';
import { cpuMeter, cpuSecondsOf, hostMeter, loadAverage, memory, pidsOf } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { serviceDefaults } from './lib/services.ts';
import { until } from './lib/turbozap.ts';

const usage = `
bench/sessions-scale.ts — N instances across P \`./turbozap session-worker\` processes on one
machine, each process its own lease holder (SESSION_WORKER_CAPACITY = --capacity, by default
ceil(1.1 × N / P), so that they share the instances), with one \`./turbozap api\`, one
\`./turbozap sender-worker\` and one simulator (\`./turbozap sim\`). The instances are linked through
the API and the simulator's /sim/scan (--link-concurrency at a time); then: how long linking took,
how many GET /api/instance/list reports \`connected\`, leases held per process (its
turbozap_leases_held), RSS per process (lowest of samples every 250 ms over --settle s) and in
total, per instance; then one text from every instance to a simulated contact through the API,
each counted by nonce in the contacts' inboxes (all connected and sending).

Goal (issue #4): 2,000 linked instances across session-worker processes on one 24 GB machine,
all connected and sending: --instances 2000 --processes 4 (budget 20–40 min on 2 cores).

Needs PostgreSQL, RabbitMQ, Redis on loopback (own database, vhost, Redis prefix; removed at the
end) and runs an s3rver for the workers. BENCH_KEEP_LOGS=1 keeps the processes' logs.
Every instance has two quorum queues: with hundreds of instances, a shared RabbitMQ was seen to
hold other runs' vhost creations and every new connection until this run's vhost was deleted
(docs/PERFORMANCE.md, Sessions) — run it when no one else needs the broker.

Usage: bash scripts/with-tools.sh node bench/sessions-scale.ts [options]
  --processes P        session-worker processes (default 2)
  --instances N        instances to link (default 100)
  --capacity C         SESSION_WORKER_CAPACITY of each (default ceil(1.1 × N / P), at least 10)
  --pool-size S        DATABASE_POOL_SIZE of each session-worker (default min(10, floor(48 / P)):
                       PostgreSQL's max_connections is 100 and the machine is shared)
  --link-concurrency K instances linked at a time (default 8)
  --link-budget S      stop linking after S seconds (default 3600)
  --max-failures F     stop linking after F failed links (default 20)
  --contacts C         simulated contacts the messages go to (default 20)
  --settle S           seconds over which RSS is sampled (default 10)
  --send-timeout S     most seconds for the messages to arrive (default 900)
  --restart            then a full restart: every session-worker stopped (SIGTERM) and P new ones
                       started; time until every instance is connected again from its stored
                       credentials and has logged in afresh at the simulator
  --restart-timeout S  most seconds to wait for that (default 900)
  --redis-db N         Redis logical db (default ${serviceDefaults.redisDb})
  -h, --help
`;

const flags = cli(usage, {
  processes: { type: 'string' },
  instances: { type: 'string' },
  capacity: { type: 'string' },
  'pool-size': { type: 'string' },
  'link-concurrency': { type: 'string' },
  'link-budget': { type: 'string' },
  'max-failures': { type: 'string' },
  contacts: { type: 'string' },
  settle: { type: 'string' },
  'send-timeout': { type: 'string' },
  restart: { type: 'boolean' },
  'restart-timeout': { type: 'string' },
  'redis-db': { type: 'string' },
});
const processes = Math.max(1, num(flags.processes, 2, 'processes'));
const instances = Math.max(1, num(flags.instances, 100, 'instances'));
const capacity = Math.max(1, num(flags.capacity, Math.max(10, Math.ceil((1.1 * instances) / processes)), 'capacity'));
const poolSize = Math.max(1, num(flags['pool-size'], Math.min(10, Math.floor(48 / processes)), 'pool-size'));
const linkConcurrency = Math.max(1, num(flags['link-concurrency'], 8, 'link-concurrency'));
const linkBudget = num(flags['link-budget'], 3600, 'link-budget');
const maxFailures = num(flags['max-failures'], 20, 'max-failures');
const contactCount = Math.max(1, num(flags.contacts, 20, 'contacts'));
const settle = num(flags.settle, 10, 'settle');
const sendTimeout = num(flags['send-timeout'], 900, 'send-timeout');
const doRestart = Boolean(flags.restart);
const restartTimeout = num(flags['restart-timeout'], 900, 'restart-timeout');
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');

interface ProcessRow {
  name: string;
  pid: number;
  baseRss: number;
  rss: number;
  rssAfterSend: number;
  leases: number;
  linkCpuSeconds: number;
  alive: boolean;
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  log(
    `sessions-scale: ${instances} instances over ${processes} session-worker processes (capacity ${capacity} each, pool ${poolSize}); link concurrency ${linkConcurrency}; load ${loadBefore.join(' ')}`,
  );
  const gw = await startGateway({
    tag: 'sessscale',
    redisDb,
    sessionWorkers: processes,
    capacity,
    sessionPoolSize: poolSize,
  });
  const workers = gw.sessionWorkers;
  log(`api ${gw.api.url}; session-workers ${workers.map((w) => w.child.pid).join(', ')}; sim pid ${gw.sim.child.pid}`);
  await sleep(2_000);
  const baseRss = await Promise.all(workers.map((w) => lowestRss(w.child.pid, settle)));
  const procRows: ProcessRow[] = workers.map((w, i) => ({
    name: w.child.name,
    pid: w.child.pid,
    baseRss: baseRss[i] ?? Number.NaN,
    rss: Number.NaN,
    rssAfterSend: Number.NaN,
    leases: Number.NaN,
    linkCpuSeconds: Number.NaN,
    alive: true,
  }));
  const summary: Record<string, number | string> = {};
  // The RabbitMQ broker is shared with everything else on the machine: its figures are the whole broker's.
  const isBroker = (cmd: string) => cmd.includes('beam.smp') && cmd.includes('-s rabbit boot');
  const brokerRss = () =>
    pidsOf(isBroker).reduce((a, pid) => {
      try {
        return a + memory(pid).rss;
      } catch {
        return a;
      }
    }, 0);
  summary['brokerRssBefore'] = brokerRss();
  let failure = '';
  let linked: Linked[] = [];
  let linkFailures: { name: string; error: string }[] = [];
  let restart: Record<string, number> | undefined;
  try {
    // ---- link ----
    const cpu = workers.map((w) => cpuMeter(w.child.pid));
    const simCpu = cpuMeter(gw.sim.child.pid);
    const host = hostMeter();
    const t0 = Date.now();
    let lastLog = 0;
    const names = Array.from({ length: instances }, (_, i) => ({
      name: `scale${i}`,
      phone: `553193${String(i).padStart(7, '0')}`,
    }));
    // Stops handing out new links when out of budget, failing, or a session-worker died.
    let stopReason = '';
    const stop = () => {
      const dead = workers.find((w) => w.child.exited());
      if (dead) stopReason ||= `${dead.child.name} exited:\n${dead.child.tail(30)}`;
      else if ((Date.now() - t0) / 1000 > linkBudget) stopReason ||= `link budget of ${linkBudget} s spent`;
      else if (linkFailures.length > maxFailures) stopReason ||= `${linkFailures.length} links failed`;
      return stopReason !== '';
    };
    const result = await linkMany(gw.api.url, gw.sim.url, names, linkConcurrency, {
      stop,
      onProgress: (ok, failed) => {
        linkFailures = failed;
        const done = ok.length;
        if (done + failed.length - lastLog >= 50 || done + failed.length === instances) {
          lastLog = done + failed.length;
          const s = (Date.now() - t0) / 1000;
          const rss = workers.reduce((a, w) => a + (w.child.exited() ? 0 : memory(w.child.pid).rss), 0);
          log(
            `  linked ${done}/${instances} (${failed.length} failed) in ${fmt.dec(s, 0)} s, ${fmt.dec(done / s, 2)}/s; session-workers ${fmt.mb(rss)} MB; load ${loadAverage()[0]}`,
          );
        }
      },
    });
    linked = result.linked;
    linkFailures = result.failed;
    const linkSeconds = (Date.now() - t0) / 1000;
    const linkCpu = cpu.map((c, i) => (workers[i]?.child.exited() ? Number.NaN : c.stop()));
    linkCpu.forEach((s, i) => {
      (procRows[i] as ProcessRow).linkCpuSeconds = s;
    });
    Object.assign(summary, {
      linked: linked.length,
      linkFailures: linkFailures.length,
      linkSeconds,
      linkHostBusy: host.stop(),
      simCpuPerLinkMs: (simCpu.stop() * 1000) / Math.max(1, linked.length),
      sessionWorkerCpuPerLinkMs: (linkCpu.reduce((a, b) => a + b, 0) * 1000) / Math.max(1, linked.length),
    });
    log(`  ${linked.length} linked, ${linkFailures.length} failed, in ${fmt.dec(linkSeconds, 0)} s`);
    if (linkFailures.length > 0)
      log(
        `  first failures: ${linkFailures
          .slice(0, 3)
          .map((f) => `${f.name}: ${f.error}`)
          .join(' | ')}`,
      );
    if (stopReason) throw new Error(`linking stopped: ${stopReason}`);

    // ---- all connected ----
    const linkedNames = linked.map((l) => l.name);
    const tc = Date.now();
    const connected = await until(
      'every linked instance connected',
      async () => {
        const n = await countConnected(gw.api.url, linkedNames);
        return n === linkedNames.length ? n : false;
      },
      120_000,
      2_000,
    ).catch(async () => countConnected(gw.api.url, linkedNames));
    summary['connected'] = connected;
    summary['connectedWaitSeconds'] = (Date.now() - tc) / 1000;
    const leases = await Promise.all(workers.map((w) => leasesHeld(w).catch(() => Number.NaN)));
    leases.forEach((n, i) => {
      (procRows[i] as ProcessRow).leases = n;
    });
    log(`  connected per /instance/list: ${connected}/${linked.length}; leases held: ${leases.join(', ')}`);

    // ---- memory at rest ----
    await sleep(5_000);
    const [rss, simRss, apiRss, senderRss] = await Promise.all([
      Promise.all(workers.map((w) => lowestRss(w.child.pid, settle))),
      lowestRss(gw.sim.child.pid, settle),
      lowestRss(gw.api.child.pid, settle),
      lowestRss(gw.sender.child.pid, settle),
    ]);
    rss.forEach((r, i) => {
      (procRows[i] as ProcessRow).rss = r;
    });
    const brokerCpu0 = cpuSecondsOf(isBroker);
    const workersCpu = workers.map((w) => cpuMeter(w.child.pid));
    const restStart = Date.now();
    await sleep(settle * 1000);
    const restSeconds = (Date.now() - restStart) / 1000;
    Object.assign(summary, {
      simRss,
      apiRss,
      senderRss,
      loadAtRest: loadAverage()[0] ?? 0,
      brokerRssAtRest: brokerRss(),
      brokerCpuPercentAtRest: ((cpuSecondsOf(isBroker) - brokerCpu0) / restSeconds) * 100,
      workersCpuPercentAtRest: (workersCpu.reduce((a, c) => a + c.stop(), 0) / restSeconds) * 100,
    });
    log(`  RSS per session-worker: ${rss.map((r) => fmt.mb(r)).join(', ')} MB; sim ${fmt.mb(simRss)} MB`);

    // ---- every instance sends ----
    const contacts = Array.from({ length: contactCount }, (_, c) => `552177${String(c).padStart(7, '0')}`);
    await createContacts(gw.sim, contacts);
    const sendCpu = workers.map((w) => cpuMeter(w.child.pid));
    const sent = await sendAndWatch(
      gw.sim,
      gw.api.url,
      linked.map((from, i) => ({ from, to: contacts[i % contacts.length] as string })),
      'scale',
      { concurrency: 32, pollMs: 2_000, timeoutMs: sendTimeout * 1000 },
    );
    Object.assign(summary, {
      sendSubmitted: sent.submitted,
      sendRejected: sent.rejected,
      sendDelivered: sent.delivered,
      sendDuplicates: sent.duplicates,
      sendSeconds: sent.deliverSeconds,
      sendCpuPerMessageMs: (sendCpu.reduce((a, c) => a + c.stop(), 0) * 1000) / Math.max(1, sent.delivered),
      sendMissingFrom: sent.missingFrom.slice(0, 20).join(', '),
    });
    log(
      `  sent: ${sent.delivered}/${linked.length} delivered in ${fmt.dec(sent.deliverSeconds, 0)} s, ${sent.duplicates} duplicates, ${sent.rejected} rejected`,
    );
    summary['connectedAfterSend'] = await countConnected(gw.api.url, linkedNames);
    const after = await Promise.all(workers.map((w) => lowestRss(w.child.pid, settle)));
    after.forEach((r, i) => {
      (procRows[i] as ProcessRow).rssAfterSend = r;
    });
    if (sent.delivered < linked.length)
      failure = `${linked.length - sent.delivered} instances' messages did not arrive (${sent.errors.join('; ')})`;
    else if (connected < linked.length) failure = `${linked.length - connected} linked instances not connected`;
    else if (linked.length < instances) failure = `${instances - linked.length} instances failed to link`;
    procRows.forEach((p, i) => {
      p.alive = !workers[i]?.child.exited();
    });
    if (doRestart && !failure) restart = await fullRestart(gw, linkedNames, { poolSize, timeoutS: restartTimeout });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    log(`  FAILED ${failure}`);
  }
  if (!restart) {
    procRows.forEach((p, i) => {
      p.alive = !workers[i]?.child.exited();
    });
  }
  report(procRows, summary, linked.length, failure, loadBefore, restart);
}

function report(
  procRows: ProcessRow[],
  summary: Record<string, number | string>,
  linked: number,
  failure: string,
  loadBefore: number[],
  restart: Record<string, number> | undefined,
): void {
  const n = (k: string) => Number(summary[k] ?? Number.NaN);
  const totalRss = procRows.reduce((a, p) => a + p.rss, 0);
  const totalBase = procRows.reduce((a, p) => a + p.baseRss, 0);
  const rows: Row[] = procRows.map((p) => ({
    process: `${p.name} (pid ${p.pid})${p.alive ? '' : ' EXITED'}`,
    'leases held': fmt.int(p.leases),
    'RSS at start MB': fmt.mb(p.baseRss),
    'RSS with instances MB': fmt.mb(p.rss),
    'MB per instance (above start)': p.leases > 0 ? fmt.dec((p.rss - p.baseRss) / 2 ** 20 / p.leases, 2) : '—',
    'RSS after sending MB': fmt.mb(p.rssAfterSend),
    'CPU s while linking': fmt.dec(p.linkCpuSeconds, 0),
  }));
  const totals: Row = {
    instances: `${fmt.int(linked)}/${fmt.int(instances)} linked`,
    processes: procRows.length,
    'link time s': fmt.dec(n('linkSeconds'), 0),
    'links/s': fmt.dec(linked / n('linkSeconds'), 2),
    connected: `${fmt.int(n('connected'))}/${fmt.int(linked)}`,
    'sent & arrived': `${fmt.int(n('sendDelivered'))}/${fmt.int(linked)} (${fmt.int(n('sendDuplicates'))} dup.)`,
    'send time s': fmt.dec(n('sendSeconds'), 0),
    'session-workers RSS MB': fmt.mb(totalRss),
    'MB per instance (total ÷ N)': fmt.dec(totalRss / 2 ** 20 / Math.max(1, linked), 2),
    'MB per instance (above start)': fmt.dec((totalRss - totalBase) / 2 ** 20 / Math.max(1, linked), 2),
    'sim RSS MB': fmt.mb(n('simRss')),
    'CPU ms per link (session-workers / sim)': `${fmt.int(n('sessionWorkerCpuPerLinkMs'))} / ${fmt.int(n('simCpuPerLinkMs'))}`,
  };
  const out = [
    `## Session-workers at scale: ${fmt.int(instances)} instances over ${procRows.length} processes (SESSION_WORKER_CAPACITY ${capacity}, DATABASE_POOL_SIZE ${poolSize}; link concurrency ${linkConcurrency}; RSS = lowest over ${settle} s; load average before ${loadBefore.join(' ')}, at rest ${fmt.dec(n('loadAtRest'), 1)})`,
    '',
    markdownTable([totals]),
    '',
    markdownTable(rows),
    '',
    `api RSS ${fmt.mb(n('apiRss'))} MB, sender-worker RSS ${fmt.mb(n('senderRss'))} MB; RabbitMQ broker (whole, shared) RSS ${fmt.mb(n('brokerRssBefore'))} MB before linking, ${fmt.mb(n('brokerRssAtRest'))} MB with the instances, CPU at rest ${fmt.dec(n('brokerCpuPercentAtRest'), 1)} % of a core; session-workers' CPU at rest ${fmt.dec(n('workersCpuPercentAtRest'), 1)} % of a core (all together); connected after sending: ${fmt.int(n('connectedAfterSend'))}; host CPU busy while linking ${Math.round(n('linkHostBusy') * 100)} %; session-worker CPU per sent message ${fmt.dec(n('sendCpuPerMessageMs'), 1)} ms`,
    '',
    ...(restart
      ? [
          `### Full restart (${procRows.length} session-workers stopped with SIGTERM, ${procRows.length} new ones started)`,
          '',
          markdownTable([
            {
              instances: fmt.int(restart['instances'] ?? Number.NaN),
              'old workers stop s': fmt.dec(restart['stopSeconds'] ?? Number.NaN, 1),
              'new workers ready s': fmt.dec(restart['readySeconds'] ?? Number.NaN, 1),
              'all connected s (from spawn)': fmt.dec(restart['allConnectedSeconds'] ?? Number.NaN, 1),
              connected: fmt.int(restart['connected'] ?? Number.NaN),
              'logins at sim': fmt.int(restart['logins'] ?? Number.NaN),
              conflicts: fmt.int(restart['conflicts'] ?? Number.NaN),
              'new workers CPU s': fmt.dec(restart['cpuSeconds'] ?? Number.NaN, 0),
              'leases per worker': `${fmt.int(restart['leasesMin'] ?? Number.NaN)}–${fmt.int(restart['leasesMax'] ?? Number.NaN)}`,
            },
          ]),
          '',
        ]
      : []),
    ...(failure ? [`FAILED ${failure}`, ''] : []),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('sessions-scale', {
    settings: {
      processes,
      instances,
      capacity,
      poolSize,
      linkConcurrency,
      linkBudget,
      maxFailures,
      contactCount,
      settle,
      sendTimeout,
      doRestart,
      restartTimeout,
    },
    summary,
    processes: procRows,
    restart,
    failure,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
  if (failure) process.exitCode = 1;
}

runBenchmark(main);
