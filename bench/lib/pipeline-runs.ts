// The runs of bench/pipeline.ts: TurboZap end to end, the session-worker sending a backlog, the
// raw-Baileys floor (flat out or paced), and the figures of one run.
import { monotonicMicros } from './cpuprofile.ts';
import type { HalfRate } from './half-rate.ts';
import { percentile, watchInbox } from './inbox.ts';
import { cpuMeter, hostMeter, serviceCpu } from './proc.ts';
import { fmt, log } from './report.ts';
import type { ClientProcess, SimProcess } from './sim.ts';
import { api, type RoleProcess } from './turbozap.ts';

/** What the runs share with the script: its settings and the run's own database. */
export interface PipelineContext {
  messages: number;
  concurrency: number;
  timeoutS: number;
  /** Floor: unresolved sends in flight per socket. */
  window: number;
  prime: boolean;
  /** The run's own Postgres database: its backends' CPU is counted. */
  database: string;
  /** Transactions committed or rolled back in that database so far. */
  transactions(): Promise<number>;
  /** Messages of a run (by its tag) handed to an outbox and not yet sent. */
  readyCount(tag: string): Promise<number>;
  /** Time windows of TurboZap's measured runs, for the worker's profile. */
  windows: [number, number][];
}

/** A pause longer than this would let the session-worker's lease (15 s) and AMQP heartbeat (10 s) lapse. */
const MAX_PAUSE_MS = 8_000;

export interface Workers {
  session: RoleProcess;
  sender: RoleProcess;
}

/** The processes of the TurboZap runs: the simulator, the API and the workers. */
export interface Gateway {
  sim: SimProcess;
  apiRole: RoleProcess;
  workers: Workers;
}

export interface Run {
  variant: 'turbozap' | 'backlog' | 'floor' | 'paced';
  instances: number;
  submitted: number;
  rejected: number;
  delivered: number;
  duplicates: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerMessage: Record<string, number>;
  /** Postgres transactions in the run's database per delivered message (TurboZap only). */
  pgTransactionsPerMessage?: number;
  hostBusy: number;
  errors: string[];
  /** TurboZap at half of this run's rate: the latency of a message that is not queued behind a backlog. */
  half?: HalfRate;
}

/**
 * TurboZap end to end: `messages` texts posted through the API as fast as `concurrency` allows,
 * until the contact decrypted each (after one unmeasured message per instance with `prime`).
 */
export async function runGateway(
  ctx: PipelineContext,
  gateway: Gateway,
  targets: { name: string; key: string }[],
  contact: string,
): Promise<Run> {
  const { sim, apiRole, workers } = gateway;
  await sim.post('/sim/accounts', { phone: contact, pushName: 'Pipeline contact' });
  if (ctx.prime) {
    const primeTag = `gwprime${targets.length}`;
    const primed = watchInbox(sim, contact, primeTag);
    await Promise.all(
      targets.map((t) =>
        api(
          apiRole.url,
          'POST',
          `/api/message/${t.name}/text`,
          { to: contact, text: `${primeTag} ${t.name} t=${Date.now()}` },
          t.key,
        ),
      ),
    );
    const got = await primed.waitFor(targets.length, ctx.timeoutS * 1000);
    if (got < targets.length) throw new Error(`priming: ${got}/${targets.length} first messages arrived`);
  }
  const tag = `gw${targets.length}`;
  const watch = watchInbox(sim, contact, tag);
  log(`  turbozap, ${targets.length} instance(s): submitting ${ctx.messages} messages`);
  const cpu = {
    api: cpuMeter(apiRole.child.pid),
    sender: cpuMeter(workers.sender.child.pid),
    session: cpuMeter(workers.session.child.pid),
    sim: cpuMeter(sim.child.pid),
    services: serviceCpu(ctx.database),
  };
  const xacts0 = await ctx.transactions();
  const host = hostMeter();
  const started = Date.now();
  const windowStart = monotonicMicros();
  const submitting = submitTexts(ctx, apiRole, targets, contact, tag);
  const [{ rejected, errors }, delivered] = await Promise.all([
    submitting,
    watch.waitFor(ctx.messages, ctx.timeoutS * 1000),
  ]);
  ctx.windows.push([windowStart, monotonicMicros()]);
  const run = finish(
    'turbozap',
    targets.length,
    ctx.messages,
    rejected,
    delivered,
    watch,
    started,
    host,
    {
      api: cpu.api.stop(),
      sender: cpu.sender.stop(),
      session: cpu.session.stop(),
      sim: cpu.sim.stop(),
      ...cpu.services.stop(),
    },
    errors,
  );
  await new Promise((r) => setTimeout(r, 1_200)); // Postgres flushes its statistics at most once a second
  run.pgTransactionsPerMessage = ((await ctx.transactions()) - xacts0) / Math.max(1, delivered);
  return run;
}

/** Posts `messages` texts tagged `tag`, spread over `targets`, `concurrency` at a time. */
async function submitTexts(
  ctx: PipelineContext,
  apiRole: RoleProcess,
  targets: { name: string; key: string }[],
  contact: string,
  tag: string,
): Promise<{ rejected: number; errors: string[] }> {
  let next = 0;
  let rejected = 0;
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: ctx.concurrency }, async () => {
      while (next < ctx.messages) {
        const k = next++;
        const target = targets[k % targets.length] as { name: string; key: string };
        const text = `${tag} ${target.name}-${k} t=${Date.now()}`;
        try {
          const res = await api(
            apiRole.url,
            'POST',
            `/api/message/${target.name}/text`,
            { to: contact, text },
            target.key,
          );
          if (res.status !== 202) {
            rejected++;
            if (errors.length < 5) errors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        } catch (error) {
          rejected++;
          if (errors.length < 5) errors.push(String(error));
        }
      }
    }),
  );
  return { rejected, errors };
}

/**
 * `messages` texts accepted while the session-worker is stopped (SIGSTOP) and handed to its
 * outboxes by the sender-worker; then it is continued and sends them from that backlog. Its CPU
 * is measured from the moment it continues until the last one arrived.
 */
export async function runBacklog(
  ctx: PipelineContext,
  gateway: Gateway,
  targets: { name: string; key: string }[],
  contact: string,
): Promise<Run> {
  const { sim, apiRole, workers } = gateway;
  const tag = `bl${targets.length}`;
  const watch = watchInbox(sim, contact, tag);
  const pid = workers.session.child.pid;
  log(
    `  turbozap backlog, ${targets.length} instance(s): ${ctx.messages} messages accepted while the session-worker is paused`,
  );
  process.kill(pid, 'SIGSTOP');
  const paused = Date.now();
  let submitted: { rejected: number; errors: string[] };
  try {
    submitted = await submitTexts(ctx, apiRole, targets, contact, tag);
    while ((await ctx.readyCount(tag)) < ctx.messages - submitted.rejected && Date.now() - paused < MAX_PAUSE_MS)
      await new Promise((r) => setTimeout(r, 100));
  } catch (error) {
    process.kill(pid, 'SIGCONT');
    throw error;
  }
  const ready = await ctx.readyCount(tag);
  const cpu = { session: cpuMeter(pid), services: serviceCpu(ctx.database) };
  const host = hostMeter();
  const started = Date.now();
  const windowStart = monotonicMicros();
  process.kill(pid, 'SIGCONT');
  log(`    paused ${fmt.dec((started - paused) / 1000, 1)}s; ${ready} ready in the outboxes`);
  const delivered = await watch.waitFor(ctx.messages, ctx.timeoutS * 1000);
  ctx.windows.push([windowStart, monotonicMicros()]);
  return finish(
    'backlog',
    targets.length,
    ctx.messages,
    submitted.rejected,
    delivered,
    watch,
    started,
    host,
    { session: cpu.session.stop(), ...cpu.services.stop() },
    submitted.errors,
  );
}

/** The floor: as fast as the window allows, or (`rate` > 0, after a first run primed the contact) at that rate. */
export async function runFloor(
  ctx: PipelineContext,
  sim: SimProcess,
  clients: ClientProcess,
  n: number,
  contact: string,
  rate = 0,
): Promise<Run> {
  if (rate === 0) await sim.post('/sim/accounts', { phone: contact, pushName: 'Floor contact' });
  if (ctx.prime && rate === 0) {
    const primeTag = `rawprime${n}`;
    const primed = watchInbox(sim, contact, primeTag);
    await clients.send(contact, 0, n, 1, 1, primeTag);
    const got = await primed.waitFor(n, ctx.timeoutS * 1000);
    if (got < n) throw new Error(`priming the floor: ${got}/${n} first messages arrived`);
  }
  const tag = rate > 0 ? `rawpaced${n}` : `raw${n}`;
  const each = Math.ceil(ctx.messages / n);
  const total = each * n;
  const watch = watchInbox(sim, contact, tag);
  log(`  raw Baileys floor, ${n} socket(s): ${total} messages${rate > 0 ? ` at ${fmt.int(rate)} msg/s` : ''}`);
  const cpu = { client: cpuMeter(clients.pid), sim: cpuMeter(sim.child.pid) };
  const host = hostMeter();
  const started = Date.now();
  const [r, delivered] = await Promise.all([
    clients.send(contact, 0, n, ctx.window, each, tag, rate),
    watch.waitFor(total, ctx.timeoutS * 1000),
  ]);
  return finish(
    rate > 0 ? 'paced' : 'floor',
    n,
    total,
    r.failed,
    delivered,
    watch,
    started,
    host,
    { client: cpu.client.stop(), sim: cpu.sim.stop() },
    r.errors,
  );
}

function finish(
  variant: Run['variant'],
  instances: number,
  submitted: number,
  rejected: number,
  delivered: number,
  watch: ReturnType<typeof watchInbox>,
  started: number,
  host: { stop(): number },
  cpuSeconds: Record<string, number>,
  errors: string[],
): Run {
  const last = Math.max(started, ...watch.seen.values());
  const seconds = (last - started) / 1000;
  const lat = watch.latencies();
  const run: Run = {
    variant,
    instances,
    submitted,
    rejected,
    delivered,
    duplicates: watch.duplicates,
    seconds,
    perSecond: delivered / Math.max(1e-9, seconds),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: percentile(lat, 100),
    cpuMsPerMessage: Object.fromEntries(
      Object.entries(cpuSeconds).map(([k, s]) => [k, (s * 1000) / Math.max(1, delivered)]),
    ),
    hostBusy: host.stop(),
    errors,
  };
  log(
    `    ${delivered}/${submitted} delivered in ${fmt.dec(seconds, 1)}s, ${fmt.int(run.perSecond)} msg/s, p50 ${run.p50} ms, p99 ${run.p99} ms`,
  );
  return run;
}
