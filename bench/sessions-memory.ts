// Memory of one session-worker process holding N connected instances, before and after it has
// sent 20,000 messages through the whole pipeline (api → sender-worker → session-worker → simulator).
// Run: bash scripts/with-tools.sh node bench/sessions-memory.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark } from './lib/children.ts';
import {
  countConnected,
  createContacts,
  type Gateway,
  type Linked,
  linkMany,
  lowestRss,
  type SendPlan,
  sendAndWatch,
  startGateway,
} from './lib/gateway.ts';
import { forceGc } from './lib/inspector.ts';
import { cpuMeter, hostMeter, loadAverage, memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { serviceDefaults } from './lib/services.ts';

const usage = `
bench/sessions-memory.ts — is a session-worker's memory flat after sending? One
\`./turbozap session-worker\` process holds N connected instances (linked through \`./turbozap api\`
and the simulator's /sim/scan), with \`./turbozap api\` and \`./turbozap sender-worker\` beside it
(SEND_RATE_PER_MINUTE=0, REDIS_RATE_LIMIT_RPM=0). Its RSS is taken at rest (the lowest of samples
every 250 ms over --settle seconds) after linking; after one message per instance (warm: Signal
sessions with the contacts exist); then after each round of --messages / --rounds texts sent
through the API (spread over the instances, each instance to its own simulated contact), once
every one of them was counted by nonce in the contacts' inboxes and the process rested --rest s.
With --gc (default) each point after the idle one also forces a full garbage collection in the session-worker over
the V8 inspector (it runs with --inspect on loopback; no code of it changes) and records RSS and
V8 heap used after it. Goal (issue #4): RSS after 20,000 messages within ±10 % of before.

Needs PostgreSQL, RabbitMQ, Redis on loopback (own database, vhost, Redis prefix; removed at the
end) and runs an s3rver for the workers.

Usage: bash scripts/with-tools.sh node bench/sessions-memory.ts [options]
  --instances N       instances in the session-worker (default 50)
  --messages N        texts sent after the warm-up (default 20000)
  --rounds R          measure after each of R equal rounds (default 2)
  --contacts C        simulated contacts (default 10; instance i sends to contact i mod C)
  --concurrency N     API requests in flight while submitting (default 32)
  --settle S          seconds over which RSS is sampled at each point (default 10)
  --rest S            seconds to wait after the last delivery before sampling (default 15)
  --timeout S         most seconds for one round's messages to arrive (default 1800)
  --no-gc             do not force garbage collections (no inspector)
  --worker-env LIST   more environment for the session-worker only, K=V,K=V (e.g. MALLOC_ARENA_MAX=2)
  --redis-db N        Redis logical db (default ${serviceDefaults.redisDb})
  -h, --help
`;

const flags = cli(usage, {
  instances: { type: 'string' },
  messages: { type: 'string' },
  rounds: { type: 'string' },
  contacts: { type: 'string' },
  concurrency: { type: 'string' },
  settle: { type: 'string' },
  rest: { type: 'string' },
  timeout: { type: 'string' },
  'no-gc': { type: 'boolean' },
  'worker-env': { type: 'string' },
  'redis-db': { type: 'string' },
});
const instances = Math.max(1, num(flags.instances, 50, 'instances'));
const messages = Math.max(1, num(flags.messages, 20_000, 'messages'));
const rounds = Math.max(1, num(flags.rounds, 2, 'rounds'));
const contactCount = Math.max(1, num(flags.contacts, 10, 'contacts'));
const concurrency = Math.max(1, num(flags.concurrency, 32, 'concurrency'));
const settle = num(flags.settle, 10, 'settle');
const restS = num(flags.rest, 15, 'rest');
const timeoutS = num(flags.timeout, 1800, 'timeout');
const withGc = !flags['no-gc'];
const workerEnv = Object.fromEntries(
  (flags['worker-env'] ?? '')
    .split(',')
    .filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
);
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');

interface Point {
  point: string;
  sentSoFar: number;
  rss: number;
  gcRss?: number;
  heapUsed?: number;
  /** V8 heap allocated (total) just before the forced GC, and after it. */
  heapTotalBefore?: number;
  heapTotalAfter?: number;
  /** process.memoryUsage() after the forced GC: Buffers and ArrayBuffers outside the V8 heap. */
  external?: number;
  arrayBuffers?: number;
  apiRss: number;
  senderRss: number;
  simRss: number;
  load: number;
}

interface Round {
  messages: number;
  delivered: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  cpuMsPerMessage: Record<string, number>;
  peakRss: number;
  hostBusy: number;
  errors: string[];
}

const contactPhone = (c: number) => `552188${String(c).padStart(7, '0')}`;

async function measure(gw: Gateway, point: string, sentSoFar: number, gc = withGc): Promise<Point> {
  const worker = gw.sessionWorkers[0]!;
  const [rss, apiRss, senderRss, simRss] = await Promise.all([
    lowestRss(worker.child.pid, settle),
    lowestRss(gw.api.child.pid, settle),
    lowestRss(gw.sender.child.pid, settle),
    lowestRss(gw.sim.child.pid, settle),
  ]);
  const p: Point = { point, sentSoFar, rss, apiRss, senderRss, simRss, load: loadAverage()[0] ?? 0 };
  if (gc && worker.inspectPort) {
    const heap = await forceGc(worker.inspectPort);
    await sleep(1_000);
    p.gcRss = memory(worker.child.pid).rss;
    p.heapUsed = heap.usedSize;
    p.heapTotalBefore = heap.before.totalSize;
    p.heapTotalAfter = heap.totalSize;
    p.external = heap.memoryUsage?.external;
    p.arrayBuffers = heap.memoryUsage?.arrayBuffers;
  }
  log(
    `  ${point}: session-worker ${fmt.mb(rss)} MB` +
      (p.gcRss !== undefined
        ? ` (after forced GC ${fmt.mb(p.gcRss)} MB, heap used ${fmt.mb(p.heapUsed ?? 0)} MB, external ${fmt.mb(p.external ?? Number.NaN)} MB)`
        : '') +
      `; api ${fmt.mb(apiRss)}, sender ${fmt.mb(senderRss)}, sim ${fmt.mb(simRss)} MB; load ${fmt.dec(p.load, 1)}`,
  );
  return p;
}

async function main(): Promise<void> {
  log(
    `sessions-memory: ${instances} instances, ${messages} messages in ${rounds} round(s) to ${contactCount} contacts; load ${loadAverage().join(' ')}`,
  );
  const gw = await startGateway({
    tag: 'sessmem',
    redisDb,
    sessionWorkers: 1,
    capacity: Math.max(200, instances),
    inspect: withGc,
    sessionEnv: workerEnv,
  });
  const worker = gw.sessionWorkers[0]!;
  log(`api ${gw.api.url}; session-worker pid ${worker.child.pid}; sender-worker pid ${gw.sender.child.pid}`);
  const points: Point[] = [];
  const roundsDone: Round[] = [];
  let failure = '';
  let linkSeconds = Number.NaN;
  try {
    const t0 = Date.now();
    const { linked, failed } = await linkMany(
      gw.api.url,
      gw.sim.url,
      Array.from({ length: instances }, (_, i) => ({ name: `mem${i}`, phone: `553194${String(i).padStart(7, '0')}` })),
      4,
    );
    linkSeconds = (Date.now() - t0) / 1000;
    if (failed.length > 0) throw new Error(`${failed.length} instances failed to link: ${failed[0]?.error}`);
    log(`  ${linked.length} instances connected in ${fmt.dec(linkSeconds, 1)} s`);
    linked.sort((a, b) => Number(a.name.slice(3)) - Number(b.name.slice(3)));
    const contacts = Array.from({ length: contactCount }, (_, c) => contactPhone(c));
    await createContacts(gw.sim, contacts);
    const contactOf = (i: number) => contacts[i % contacts.length] as string;

    await sleep(5_000);
    // No forced GC here: it would leave the next point's unforced sample just after a collection.
    points.push(await measure(gw, 'connected, idle (nothing sent)', 0, false));

    // Warm-up: one message per instance (Signal sessions with its contact, usync, caches).
    const warm = await sendAndWatch(
      gw.sim,
      gw.api.url,
      linked.map((from, i) => ({ from, to: contactOf(i) })),
      'memwarm',
      { concurrency, pollMs: 1_000, timeoutMs: timeoutS * 1000 },
    );
    if (warm.delivered < linked.length)
      throw new Error(`warm-up: ${warm.delivered}/${linked.length} delivered (${warm.errors.join('; ')})`);
    await sleep(restS * 1000);
    points.push(await measure(gw, `warm (1 message per instance)`, 0));

    let sent = 0;
    for (let r = 0; r < rounds; r++) {
      const count = Math.round((messages * (r + 1)) / rounds) - Math.round((messages * r) / rounds);
      const plan: SendPlan[] = Array.from({ length: count }, (_, k) => {
        const i = (sent + k) % linked.length;
        return { from: linked[i] as Linked, to: contactOf(i) };
      });
      log(`  round ${r + 1}/${rounds}: ${count} messages over ${linked.length} instances`);
      const cpu = {
        'session-worker': cpuMeter(worker.child.pid),
        'sender-worker': cpuMeter(gw.sender.child.pid),
        api: cpuMeter(gw.api.child.pid),
        sim: cpuMeter(gw.sim.child.pid),
      };
      const host = hostMeter();
      let peak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, memory(worker.child.pid).rss);
          await sleep(1_000);
        }
      })();
      const res = await sendAndWatch(gw.sim, gw.api.url, plan, `mem${r}`, {
        concurrency,
        pollMs: 3_000,
        timeoutMs: timeoutS * 1000,
        onProgress: (n) => log(`    ${n}/${count} submitted`),
      });
      sampling = false;
      await sampler;
      const round: Round = {
        messages: count,
        delivered: res.delivered,
        duplicates: res.duplicates,
        rejected: res.rejected,
        seconds: res.deliverSeconds,
        cpuMsPerMessage: Object.fromEntries(
          Object.entries(cpu).map(([k, m]) => [k, (m.stop() * 1000) / Math.max(1, res.delivered)]),
        ),
        peakRss: peak,
        hostBusy: host.stop(),
        errors: res.errors,
      };
      roundsDone.push(round);
      sent += count;
      log(
        `    ${res.delivered}/${count} delivered in ${fmt.dec(res.deliverSeconds, 1)} s (submitted in ${fmt.dec(res.submitSeconds, 1)} s), ${res.duplicates} duplicates, ${res.rejected} rejected; peak RSS ${fmt.mb(peak)} MB`,
      );
      if (res.delivered < count)
        throw new Error(
          `round ${r + 1}: ${res.delivered}/${count} delivered in ${timeoutS} s (${res.errors.join('; ')})`,
        );
      await sleep(restS * 1000);
      points.push(await measure(gw, `after ${fmt.int(sent)} more messages`, sent));
    }
    const connected = await countConnected(
      gw.api.url,
      linked.map((l) => l.name),
    );
    if (connected < linked.length) failure = `only ${connected}/${linked.length} instances still connected at the end`;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    log(`  FAILED ${failure}`);
  }
  report(points, roundsDone, linkSeconds, failure);
}

function report(points: Point[], roundsDone: Round[], linkSeconds: number, failure: string): void {
  const warm = points[1] ?? points[0];
  const pct = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? `${((a / b - 1) * 100).toFixed(1)} %` : '—';
  const rows: Row[] = points.map((p) => ({
    point: p.point,
    'session-worker RSS MB': fmt.mb(p.rss),
    'vs warm': pct(p.rss, warm?.rss),
    'RSS after forced GC MB': p.gcRss !== undefined ? fmt.mb(p.gcRss) : '—',
    'vs warm (GC)': pct(p.gcRss, warm?.gcRss),
    'V8 heap used MB': p.heapUsed !== undefined ? fmt.mb(p.heapUsed) : '—',
    'V8 heap total before → after GC MB':
      p.heapTotalBefore !== undefined
        ? `${fmt.mb(p.heapTotalBefore)} → ${fmt.mb(p.heapTotalAfter ?? Number.NaN)}`
        : '—',
    'external (of which ArrayBuffers) MB':
      p.external !== undefined ? `${fmt.mb(p.external)} (${fmt.mb(p.arrayBuffers ?? Number.NaN)})` : '—',
    'api / sender-worker / sim RSS MB': `${fmt.mb(p.apiRss)} / ${fmt.mb(p.senderRss)} / ${fmt.mb(p.simRss)}`,
    'load avg': fmt.dec(p.load, 1),
  }));
  const roundRows: Row[] = roundsDone.map((r, i) => ({
    round: i + 1,
    delivered: `${fmt.int(r.delivered)}/${fmt.int(r.messages)}`,
    duplicates: r.duplicates,
    rejected: r.rejected,
    's (submit → last delivered)': fmt.dec(r.seconds, 0),
    'msg/s': fmt.int(r.delivered / Math.max(1e-9, r.seconds)),
    'CPU ms/msg': Object.entries(r.cpuMsPerMessage)
      .map(([k, v]) => `${k} ${fmt.dec(v, 1)}`)
      .join(', '),
    'session-worker peak RSS MB': fmt.mb(r.peakRss),
    'host CPU busy': `${Math.round(r.hostBusy * 100)}%`,
  }));
  const last = points.at(-1);
  const verdict =
    last && warm && last !== warm && last.sentSoFar >= messages
      ? `RSS change after ${fmt.int(last.sentSoFar)} messages: ${pct(last.rss, warm.rss)} (lowest over ${settle} s)` +
        (last.gcRss !== undefined ? `, ${pct(last.gcRss, warm.gcRss)} after a forced GC` : '') +
        '; goal ±10 %'
      : 'no complete measurement';
  const out = [
    `## Session-worker memory after sending (${instances} instances in one process${Object.keys(workerEnv).length > 0 ? `, session-worker env ${JSON.stringify(workerEnv)}` : ''}; RSS = lowest of samples every 250 ms over ${settle} s, ${restS} s after the last delivery; linked in ${fmt.dec(linkSeconds, 1)} s)`,
    '',
    rows.length > 0 ? markdownTable(rows) : '(no point measured)',
    '',
    roundRows.length > 0 ? markdownTable(roundRows) : '',
    '',
    verdict,
    '',
    ...(failure ? [`FAILED ${failure}`, ''] : []),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('sessions-memory', {
    settings: { instances, messages, rounds, contactCount, concurrency, settle, restS, timeoutS, withGc, workerEnv },
    linkSeconds,
    points,
    rounds: roundsDone,
    failure,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
  if (failure) process.exitCode = 1;
}

runBenchmark(main);
