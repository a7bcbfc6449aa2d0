import { defaultSettings } from '../services/sender-worker/src/options.ts';
import { onCleanup, runBenchmark, runDir } from './lib/children.ts';
import { monotonicMicros, type ProfileSummary, profilesIn, profileTables, summariseProfile } from './lib/cpuprofile.ts';
import { percentile } from './lib/inbox.ts';
import { cpuMeter, cpuSince, hostMeter, loadAverage } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { provisionServices, serviceDefaults, startS3 } from './lib/services.ts';
import { migrate, roleEnv, startRole } from './lib/turbozap.ts';
import {
  FloorProcess,
  type FloorResult,
  type FloorTarget,
  type Receipts,
  ReceiverProcess,
} from './lib/webhook-processes.ts';
import {
  createInstances,
  Db,
  type DeliveryLog,
  deliveryLog,
  exchangeSink,
  type Instance,
  inject,
  outboxSink,
  type Sink,
} from './lib/webhook-store.ts';

const usage = `
bench/webhooks.ts — webhook deliveries per second of one \`./turbozap sender-worker\` to a local
receiver (a separate node:http process answering 200 at once, checking the signature of a
sample of requests), and where its time goes. Floor: a bare undici client POSTing the same
signed event bodies to the same receiver with the same requests in flight and connections per
origin (the irreducible HTTP work of a delivery).

Events are injected the way the system produces them (--inject):
  exchange (default)  published (confirmed, persistent) to the \`turbozap.events\` topic exchange
                      under \`<event>.<instanceId>\`, as a writer's EventPublisher does right after
                      its commit — the path every event takes when the broker is up;
  outbox              rows written to \`events_outbox\` only, published by the sender-worker's
                      events relay (the path of events a writer could not publish; the relay
                      leaves rows younger than its grace period to their writers, so it adds
                      seconds of latency by design).
Either way the envelope is the real one (packages/shared/src/contracts/events.ts, a
message.received), consumed from \`turbozap.webhooks\`, one delivery row each, claimed, signed,
POSTed, settled. Each event must reach the receiver exactly once (counted by
X-TurboZap-Event-Id) and end \`delivered\` with one logged attempt. Phase 1 injects --events
events as fast as they are taken (throughput; its latency measures the backlog); phase 2 injects
at half the rate phase 1 reached for --paced-seconds (latency of an event behind no backlog).
deliveries/s is events ÷ (last receipt − first injection); "after injecting" counts only the
receipts after the injector finished (the backlog draining without the injector and RabbitMQ
competing for the same cores). Latency: injection of an event's chunk → its first receipt.

Needs PostgreSQL, RabbitMQ, Redis on loopback (own database, vhost, Redis prefix; removed at the
end) and runs an s3rver for the worker. Webhook URLs point at 127.0.0.1, so the worker runs with
ALLOW_PRIVATE_NETWORK_TARGETS=true (otherwise the SSRF guard refuses them).

To measure another checkout (a baseline), point TURBOZAP_BIN at its \`turbozap\` executable.

Usage: bash scripts/with-tools.sh node bench/webhooks.ts [options]
  --events N          events in the throughput phase (default 20000)
  --inject WAY        exchange (default) or outbox, see above
  --instances N       instances, each with its own webhook and secret (default 10)
  --paced-seconds S   length of the paced phase (default 10; 0 skips it)
  --concurrency N     floor: requests in flight (default ${defaultSettings.webhooks.concurrency}, the dispatcher's)
  --connections N     floor: connections per origin (default 16, the webhook agent's)
  --sample-every N    the receiver verifies the signature of every N-th request (default 20)
  --timeout S         most seconds to wait for one phase's events to arrive (default 180)
  --worker-env LIST   extra environment of the sender-worker, K=V,K=V (e.g. RABBITMQ_WORKER_COUNT=16)
  --no-floor          skip the bare-undici floor
  --profile           CPU-profile the sender-worker (node --cpu-prof) and print where its time goes
                      during the throughput phase (profiling slows it down)
  --redis-db N        Redis logical db (default ${serviceDefaults.redisDb})
  -h, --help
`;

const flags = cli(usage, {
  events: { type: 'string' },
  inject: { type: 'string' },
  instances: { type: 'string' },
  'paced-seconds': { type: 'string' },
  concurrency: { type: 'string' },
  connections: { type: 'string' },
  'sample-every': { type: 'string' },
  timeout: { type: 'string' },
  'worker-env': { type: 'string' },
  'no-floor': { type: 'boolean' },
  profile: { type: 'boolean' },
  'redis-db': { type: 'string' },
});
const events = Math.max(1, num(flags.events, 20_000, 'events'));
const injectWay = flags.inject ?? 'exchange';
if (injectWay !== 'exchange' && injectWay !== 'outbox') {
  process.stderr.write(`--inject is exchange or outbox (got ${injectWay})\n`);
  process.exit(2);
}
const instanceCount = Math.max(1, num(flags.instances, 10, 'instances'));
const pacedSeconds = num(flags['paced-seconds'], 10, 'paced-seconds');
const concurrency = Math.max(1, num(flags.concurrency, defaultSettings.webhooks.concurrency, 'concurrency'));
const connections = Math.max(1, num(flags.connections, 16, 'connections'));
const sampleEvery = Math.max(1, num(flags['sample-every'], 20, 'sample-every'));
const timeoutS = num(flags.timeout, 180, 'timeout');
const withFloor = !flags['no-floor'];
const profile = Boolean(flags.profile);
const redisDb = num(flags['redis-db'], serviceDefaults.redisDb, 'redis-db');
const workerEnv = Object.fromEntries(
  (flags['worker-env'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const profileDir = () => `${runDir()}/profile-sender-worker`;
/** An idle backend flushes its statistics up to 10 s late (PGSTAT_IDLE_INTERVAL). */
const STATS_SETTLE_MS = 11_000;

interface Phase {
  name: string;
  events: number;
  received: number;
  duplicates: number;
  unknownIds: number;
  verified: number;
  badSignatures: number;
  seconds: number;
  /** How long injecting took (the events were all in TurboZap's hands after this). */
  injectedSeconds: number;
  perSecond: number;
  /** Deliveries per second once injecting was over (the backlog drained, without the injector's load). */
  drainPerSecond: number;
  offeredPerSecond?: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerDelivery: Record<string, number>;
  pgTransactionsPerDelivery: number;
  hostBusy: number;
  loadAverage: number[];
}

async function main(): Promise<void> {
  log(
    `webhooks: ${events} events over ${instanceCount} instance(s); floor ${concurrency} in flight, ${connections} connections`,
  );
  const services = await provisionServices('webhooks', { ...serviceDefaults, redisDb });
  const s3 = await startS3();
  await migrate(services);
  const db = new Db(services.databaseUrl, services.database);
  onCleanup(() => db.pool.end());
  const receiver = await ReceiverProcess.start();
  const instances = await createInstances(db, receiver.url, instanceCount);
  await receiver.setSecrets(Object.fromEntries(instances.map((i) => [i.path, i.secret])), sampleEvery);

  const worker = await startRole('sender-worker', 'sender-worker', {
    ...roleEnv(services, { ...s3.env, ALLOW_PRIVATE_NETWORK_TARGETS: 'true', ...workerEnv }),
    ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir()}` } : {}),
  });
  log(
    `sender-worker pid ${worker.child.pid}, receiver ${receiver.url} (pid ${receiver.pid}); injecting by ${injectWay}`,
  );
  const sink = injectWay === 'exchange' ? await exchangeSink(services.amqpUrl) : outboxSink(db);

  const phases: Phase[] = [];
  const meters = () => ({
    'sender-worker': cpuMeter(worker.child.pid),
    postgres: pgMeter(services.database),
    rabbitmq: rabbitMeter(),
    receiver: cpuMeter(receiver.pid),
  });

  // Warm-up (unmeasured): connections, prepared paths, JIT.
  await runPhase('warm-up', db, sink, receiver, instances, meters, Math.min(500, events), 0);
  const windowStart = monotonicMicros();
  const throughput = await runPhase('throughput', db, sink, receiver, instances, meters, events, 0);
  const window: [number, number] = [windowStart, monotonicMicros()];
  phases.push(throughput);
  if (pacedSeconds > 0) {
    const rate = Math.max(1, Math.round(throughput.perSecond / 2));
    phases.push(
      await runPhase('paced (half rate)', db, sink, receiver, instances, meters, Math.round(rate * pacedSeconds), rate),
    );
  }
  const log0 = await deliveryLog(db);

  let floor:
    | (FloorResult & { cpuMsPerDelivery: Record<string, number>; hostBusy: number; check: Receipts })
    | undefined;
  if (withFloor) floor = await runFloor(receiver, instances);

  let profiles: ProfileSummary[] = [];
  if (profile) {
    await worker.child.stop(); // the profile is written at exit
    profiles = profilesIn(profileDir()).map((f) => summariseProfile(f, 25, [window]));
  }
  report(phases, floor, log0, profiles);
}

const pgMeter = (database: string) => cpuSince((cmd) => cmd.startsWith('postgres:') && cmd.includes(database));
const rabbitMeter = () => cpuSince((cmd) => cmd.includes('beam.smp'));

async function runPhase(
  name: string,
  db: Db,
  sink: Sink,
  receiver: ReceiverProcess,
  instances: Instance[],
  meters: () => Record<string, { stop(): number }>,
  count: number,
  rate: number,
): Promise<Phase> {
  log(`  ${name}: ${count} events${rate > 0 ? ` at ${rate}/s` : ''}`);
  const tag = `${name.split(' ')[0]}-${Date.now()}`;
  const injectedAt = new Map<string, number>();
  await receiver.take(); // start counting afresh
  const cpu = meters();
  const host = hostMeter();
  const xacts0 = await db.transactions();
  const own0 = db.own;
  const started = Date.now();
  let injectedIn = Number.NaN;
  let injectedAtMs = Number.NaN;
  const injecting = inject(sink, instances, tag, count, rate, injectedAt).then(() => {
    injectedAtMs = Date.now();
    injectedIn = (injectedAtMs - started) / 1000;
  });
  const deadline = started + timeoutS * 1000;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = (await receiver.count()).unique;
    if (seen >= count) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await injecting;
  const cpuSeconds = Object.fromEntries(Object.entries(cpu).map(([k, m]) => [k, m.stop()]));
  const hostBusy = host.stop();
  await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show up here
  const receipts = await receiver.take();
  const latencies: number[] = [];
  let unknownIds = 0;
  let last = started;
  for (const [id, at] of receipts.received) {
    const from = injectedAt.get(id);
    if (from === undefined) unknownIds++;
    else latencies.push(at - from);
    last = Math.max(last, at);
  }
  const received = receipts.received.length - unknownIds;
  const afterInjection = receipts.received.filter(([, at]) => at > injectedAtMs).length;
  const seconds = (last - started) / 1000;
  if (name !== 'warm-up') await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
  const ownDuring = db.own - own0;
  const xacts = (await db.transactions()) - xacts0 - ownDuring;
  const phase: Phase = {
    name,
    events: count,
    received,
    duplicates: receipts.duplicates,
    unknownIds,
    verified: receipts.verified,
    badSignatures: receipts.badSignatures,
    seconds,
    injectedSeconds: injectedIn,
    perSecond: received / Math.max(1e-9, seconds),
    drainPerSecond: afterInjection / Math.max(1e-9, (last - injectedAtMs) / 1000),
    ...(rate > 0 ? { offeredPerSecond: rate } : {}),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    cpuMsPerDelivery: Object.fromEntries(
      Object.entries(cpuSeconds).map(([k, s]) => [k, (s * 1000) / Math.max(1, received)]),
    ),
    pgTransactionsPerDelivery: xacts / Math.max(1, received),
    hostBusy,
    loadAverage: loadAverage(),
  };
  if (receipts.badSignatures > 0) log(`    bad signatures: ${receipts.badExamples.join('; ')}`);
  log(
    `    ${received}/${count} received in ${fmt.dec(seconds, 2)}s (injected in ${fmt.dec(injectedIn, 2)}s), ${fmt.int(phase.perSecond)}/s (${fmt.int(phase.drainPerSecond)}/s after), p50 ${phase.p50} ms, p99 ${phase.p99} ms, ` +
      `${phase.duplicates} duplicates, worker ${fmt.dec(phase.cpuMsPerDelivery['sender-worker'] ?? 0, 3)} ms CPU/delivery, ` +
      `${fmt.dec(phase.pgTransactionsPerDelivery, 2)} pg xacts/delivery`,
  );
  return phase;
}

async function runFloor(receiver: ReceiverProcess, instances: Instance[]) {
  const floor = new FloorProcess();
  await floor.peer.ready;
  const targets: FloorTarget[] = instances.map((i) => ({
    path: i.path,
    secret: i.secret,
    instance: { id: i.id, name: i.name },
  }));
  const base = { base: receiver.url, targets, concurrency, connections };
  await floor.run({ ...base, count: Math.min(500, events), tag: `floor-warm-${Date.now()}` });
  await receiver.take();
  log(`  floor: ${events} POSTs, ${concurrency} in flight, ${connections} connections`);
  const cpu = { floor: cpuMeter(floor.pid), receiver: cpuMeter(receiver.pid) };
  const host = hostMeter();
  const result = await floor.run({ ...base, count: events, tag: `floor-${Date.now()}` });
  const cpuSeconds = { floor: cpu.floor.stop(), receiver: cpu.receiver.stop() };
  const hostBusy = host.stop();
  const check = await receiver.take();
  await floor.peer.child.stop();
  log(`    ${result.sent}/${events} in ${fmt.dec(result.seconds, 2)}s, ${fmt.int(result.sent / result.seconds)}/s`);
  return {
    ...result,
    cpuMsPerDelivery: Object.fromEntries(
      Object.entries(cpuSeconds).map(([k, s]) => [k, (s * 1000) / Math.max(1, result.sent)]),
    ),
    hostBusy,
    check,
  };
}

function report(
  phases: Phase[],
  floor: (FloorResult & { cpuMsPerDelivery: Record<string, number>; hostBusy: number; check: Receipts }) | undefined,
  deliveries: DeliveryLog,
  profiles: ProfileSummary[],
): void {
  const floorRate = floor ? floor.sent / floor.seconds : Number.NaN;
  const workerCpu = phases[0]?.cpuMsPerDelivery['sender-worker'] ?? Number.NaN;
  const rows: Row[] = phases.map((p) => ({
    variant: `TurboZap sender-worker, ${p.name}`,
    'received / events': `${p.received}/${p.events}`,
    duplicates: p.duplicates,
    'deliveries/s': fmt.int(p.perSecond),
    'after injecting': p.offeredPerSecond === undefined ? fmt.int(p.drainPerSecond) : '—',
    'vs floor': p.offeredPerSecond === undefined ? fmt.ratio(p.perSecond / floorRate) : '—',
    'p50 / p99 ms': `${p.p50} / ${p.p99}`,
    'CPU ms/delivery': Object.entries(p.cpuMsPerDelivery)
      .map(([k, v]) => `${k} ${fmt.dec(v, 3)}`)
      .join(', '),
    'pg xacts/delivery': fmt.dec(p.pgTransactionsPerDelivery, 2),
    'signatures ok': `${p.verified}/${p.verified + p.badSignatures}`,
    'host CPU busy': `${Math.round(p.hostBusy * 100)}%`,
  }));
  if (floor) {
    rows.push({
      variant: 'floor: bare undici, same signed bodies',
      'received / events': `${floor.check.received.length}/${events}`,
      duplicates: floor.check.duplicates,
      'deliveries/s': fmt.int(floorRate),
      'after injecting': '—',
      'vs floor': '1.00×',
      'p50 / p99 ms': `${fmt.dec(floor.p50, 1)} / ${fmt.dec(floor.p99, 1)} (per request)`,
      'CPU ms/delivery': Object.entries(floor.cpuMsPerDelivery)
        .map(([k, v]) => `${k} ${fmt.dec(v, 3)}`)
        .join(', '),
      'pg xacts/delivery': '—',
      'signatures ok': `${floor.check.verified}/${floor.check.verified + floor.check.badSignatures}`,
      'host CPU busy': `${Math.round(floor.hostBusy * 100)}%`,
    });
  }
  const exact = phases.every((p) => p.received === p.events && p.duplicates === 0 && p.unknownIds === 0);
  const signed = phases.every((p) => p.badSignatures === 0 && p.verified > 0);
  const failure = [
    ...(exact ? [] : ['not every event arrived exactly once']),
    ...(signed ? [] : ['signatures did not verify']),
    ...(deliveries.multiAttempt > 0 || Object.keys(deliveries.byStatus).some((s) => s !== 'delivered')
      ? ['the delivery log has deliveries not delivered at the first attempt']
      : []),
  ];
  const out = [
    `## Webhooks: ${injectWay === 'exchange' ? 'turbozap.events' : 'events_outbox → relay → turbozap.events'} → turbozap.webhooks → delivery row → signed POST (${events} events, ${instanceCount} instances)`,
    '',
    markdownTable(rows),
    '',
    `Worker CPU per delivery ÷ floor client CPU per delivery: ${floor ? fmt.ratio(workerCpu / (floor.cpuMsPerDelivery.floor ?? Number.NaN)) : '—'}. ` +
      `Delivery log: ${Object.entries(deliveries.byStatus)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}; ${deliveries.attempts} attempts, ${deliveries.multiAttempt} deliveries with more than one.`,
    `Goal ≥ 2,000 deliveries/s per sender-worker: ${(phases[0]?.perSecond ?? 0) >= 2000 ? 'met' : 'not met'} (${fmt.int(phases[0]?.perSecond ?? 0)}/s from the first event injected to the last received; ${fmt.int(phases[0]?.drainPerSecond ?? 0)}/s once injecting was over). Load average at the end: ${loadAverage().join(' ')}.`,
    '',
    ...(failure.length > 0 ? [`FAILED: ${failure.join('; ')}`, ''] : []),
    ...profiles.flatMap((p) => [
      `### sender-worker CPU profile during the throughput phase (${p.totalMs} ms sampled; profiling slows it down)`,
      '',
      ...profileTables(p),
    ]),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('webhooks', {
    settings: { events, injectWay, instanceCount, pacedSeconds, concurrency, connections, sampleEvery, workerEnv },
    phases,
    floor: floor ? { ...floor, check: { ...floor.check, received: floor.check.received.length } } : undefined,
    deliveries,
    profiles,
    table: out,
  });
  process.stdout.write(`results: ${file}\n`);
  if (failure.length > 0) process.exitCode = 1;
}

runBenchmark(main);
