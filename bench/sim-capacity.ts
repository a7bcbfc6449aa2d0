// How many concurrent linked sessions one simulator process holds, what each costs it, and how
// many messages per CPU-second it relays compared with what one process of Baileys sockets sends.
// Run: bash scripts/with-tools.sh node bench/sim-capacity.ts [--help]
import { setTimeout as sleep } from 'node:timers/promises';
import { runBenchmark, runDir } from './lib/children.ts';
import { monotonicMicros, type ProfileSummary, profilesIn, profileTables, summariseProfile } from './lib/cpuprofile.ts';
import { cpuMeter, cpuSeconds, hostMeter, memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { ClientProcess, phoneOf, startSim } from './lib/sim.ts';

const usage = `
bench/sim-capacity.ts — capacity of one WhatsApp simulator process (\`./turbozap sim\`, a child
process) holding raw Baileys sockets (in-memory auth) linked through its control API (QR + /sim/scan).

Ramps the number of linked, open sessions through 100, 500, 1000, 2000 (up to --max), and at each
step reports the simulator's RSS, its CPU per link and its idle CPU. Then N sessions of one client
process send texts to a simulated contact (the simulator decrypts each one with Signal, as it does
for TurboZap's sends): the simulator's CPU per relayed message against the client process's CPU
per sent message — how many sending processes one simulator keeps up with.

Usage: bash scripts/with-tools.sh node bench/sim-capacity.ts [options]
  --max N             most sessions to hold (default 250; 2000 for the goal): steps 100, 500, 1000, 2000 up to N
  --steps LIST        explicit comma-separated steps instead (e.g. 50,200)
  --per-process N     sessions per client process (default 250)
  --concurrency N     links in flight per client process (default 4)
  --settle S          seconds to wait after each step before measuring idle (default 3)
  --idle S            seconds of the idle measurement at each step (default 5)
  --budget S          stop ramping when this many seconds have gone by (default 900)
  --senders N         sessions sending in the message phase, all in one client process (default 50)
  --send-seconds S    duration of the message phase (default 10; 0 skips it)
  --window N          unacknowledged sends in flight per sender (default 4)
  --profile           CPU-profile the simulator (node --cpu-prof) and print where its time goes
                      during the message phase
  -h, --help
Goals (reported, not asserted): ≥ 2,000 sessions; relay capacity ≥ 3× what one sending process sends.
Linking costs CPU on both sides (~0.1-0.3 s per session here): 2,000 sessions take several minutes
on 2 cores (about 25 minutes on a busy machine); the default of 250 takes about 2 minutes.
`;

const flags = cli(usage, {
  max: { type: 'string' },
  steps: { type: 'string' },
  'per-process': { type: 'string' },
  concurrency: { type: 'string' },
  settle: { type: 'string' },
  idle: { type: 'string' },
  budget: { type: 'string' },
  senders: { type: 'string' },
  'send-seconds': { type: 'string' },
  window: { type: 'string' },
  profile: { type: 'boolean' },
});
const profile = Boolean(flags.profile);
const max = num(flags.max, 250, 'max');
const steps = flags.steps
  ? flags.steps.split(',').map((s) => num(s, 0, 'steps'))
  : [...new Set([100, 500, 1000, 2000].filter((s) => s < max).concat(max))];
const perProcess = Math.max(1, num(flags['per-process'], 250, 'per-process'));
const concurrency = Math.max(1, num(flags.concurrency, 4, 'concurrency'));
const settle = num(flags.settle, 3, 'settle');
const idleSeconds = Math.max(1, num(flags.idle, 5, 'idle'));
const budget = num(flags.budget, 900, 'budget');
const senders = num(flags.senders, 50, 'senders');
const sendSeconds = num(flags['send-seconds'], 10, 'send-seconds');
const window = Math.max(1, num(flags.window, 4, 'window'));

interface Step {
  target: number;
  linked: number;
  failed: number;
  open: number;
  clientOpen: number;
  linkSeconds: number;
  linksPerSecond: number;
  simCpuMsPerLink: number;
  clientCpuMsPerLink: number;
  /** Lowest RSS over the idle window (and the highest). */
  simRss: number;
  simRssHigh: number;
  simRssPerSessionKb: number;
  simIdleCpuPercent: number;
  clientRssTotal: number;
  /** Drops of open sessions so far, by Baileys' close code and message (each reconnected). */
  closed: Record<string, number>;
  errors: string[];
}

async function main(): Promise<void> {
  const started = Date.now();
  const topStep = Math.max(...steps);
  log(
    `sim-capacity: steps ${steps.join(', ')}; ${perProcess} sessions per client process, ${concurrency} links in flight each`,
  );
  const profileDir = `${runDir()}/profile-sim`;
  const sim = await startSim('sim', profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {});
  let sendWindow: [number, number] | undefined;
  const baseRss = memory(sim.child.pid).rss;
  const processes = Math.max(1, Math.ceil(topStep / perProcess));
  const clients = Array.from({ length: processes }, (_, i) => new ClientProcess(`clients-${i}`, sim));
  await Promise.all(clients.map((c) => c.peer.ready));
  const contact = '5521988887777'; // outside phoneOf()'s range: never one of the linked sessions
  await sim.post('/sim/accounts', { phone: contact, pushName: 'Bench contact' });
  log(`simulator ${sim.url} (pid ${sim.child.pid}, ${fmt.mb(baseRss)} MB RSS), ${processes} client process(es)`);

  const results: Step[] = [];
  let have = 0;
  let stopReason = '';
  for (const target of steps) {
    if (target <= have) continue;
    if ((Date.now() - started) / 1000 > budget) {
      stopReason = `time budget of ${budget}s used up before the ${target} step`;
      break;
    }
    // New sessions go round-robin to the client processes, so that they all link at once.
    const batches = new Map<ClientProcess, string[]>();
    for (let i = have; i < target; i++) {
      const owner = clients[i % clients.length] as ClientProcess;
      const list = batches.get(owner) ?? [];
      list.push(phoneOf(i + 1));
      batches.set(owner, list);
    }
    log(`  linking ${target - have} sessions (to ${target})...`);
    const simCpu = cpuMeter(sim.child.pid);
    const clientCpu0 = clients.map((c) => cpuSeconds(c.pid));
    const t0 = Date.now();
    const outcomes = await Promise.all([...batches].map(([c, phones]) => c.link(phones, concurrency)));
    const linkSeconds = (Date.now() - t0) / 1000;
    const linkCpu = simCpu.stop();
    const clientLinkCpu = clients.reduce((sum, c, i) => sum + cpuSeconds(c.pid) - (clientCpu0[i] ?? 0), 0);
    const linked = outcomes.reduce((n, o) => n + o.linked, 0);
    const failed = outcomes.reduce((n, o) => n + o.failed, 0);
    have += linked;

    await sleep(settle * 1000);
    // Idle: CPU over the window, and the lowest and highest RSS sampled in it (garbage not yet
    // collected makes one sample jumpy; the trough is the closest to what is really held).
    const idleCpu = cpuMeter(sim.child.pid);
    let rssLow = Number.POSITIVE_INFINITY;
    let rssHigh = 0;
    for (const until = Date.now() + idleSeconds * 1000; Date.now() < until; ) {
      const now = memory(sim.child.pid).rss;
      rssLow = Math.min(rssLow, now);
      rssHigh = Math.max(rssHigh, now);
      await sleep(250);
    }
    const idle = idleCpu.stop();
    const stats = await sim.stats();
    const statuses = await Promise.all(clients.map((c) => c.status()));
    const rss = rssLow;
    const step: Step = {
      target,
      linked: have,
      failed,
      open: stats.connections,
      clientOpen: statuses.reduce((n, s) => n + s.open, 0),
      linkSeconds,
      linksPerSecond: linked / linkSeconds,
      simCpuMsPerLink: (linkCpu * 1000) / Math.max(1, linked),
      clientCpuMsPerLink: (clientLinkCpu * 1000) / Math.max(1, linked),
      simRss: rss,
      simRssHigh: rssHigh,
      simRssPerSessionKb: (rss - baseRss) / 1024 / Math.max(1, have),
      simIdleCpuPercent: (idle / idleSeconds) * 100,
      clientRssTotal: statuses.reduce((n, s) => n + s.rss, 0),
      closed: statuses.reduce<Record<string, number>>((acc, s) => {
        for (const [code, n] of Object.entries(s.closeCodes)) {
          const short = code.split(' ')[0] as string;
          acc[short] = (acc[short] ?? 0) + n;
        }
        return acc;
      }, {}),
      errors: outcomes.flatMap((o) => o.errors),
    };
    results.push(step);
    log(
      `  ${target}: ${step.linked} linked (${failed} failed), ${step.open} open at the simulator, ${fmt.mb(rss)} MB RSS, link ${fmt.dec(step.linkSeconds, 1)}s`,
    );
    for (const e of step.errors) log(`    error: ${e}`);
    if (step.open < target * 0.95) {
      stopReason = `only ${step.open} of ${target} sessions open at the ${target} step`;
      break;
    }
  }

  // Message phase: `senders` sessions of the first client process send to one simulated contact.
  let send: Record<string, number | string[]> | undefined;
  if (sendSeconds > 0 && have > 0) {
    const first = clients[0] as ClientProcess;
    const n = Math.min(senders, Math.ceil(have / clients.length));
    log(`  message phase: ${n} senders in one client process, ${sendSeconds}s, window ${window}`);
    // A first message per sender sets up its Signal session outside the measured window.
    await first.send(contact, 0.001, n, 1);
    const inboxOf = () =>
      sim.get<unknown[]>(`/sim/accounts/${contact}/inbox`).then(
        (l) => l.length,
        () => 0,
      );
    const inbox0 = await inboxOf();
    const before = await sim.stats();
    const simCpu = cpuMeter(sim.child.pid);
    const clientCpu = cpuMeter(first.pid);
    const host = hostMeter();
    const windowStart = monotonicMicros();
    const r = await first.send(contact, sendSeconds, n, window);
    // Wait for the simulator to relay everything written.
    let relayed = 0;
    let duplicates = 0;
    for (let i = 0; i < 100; i++) {
      const now = await sim.stats();
      relayed = now.messagesRelayed - before.messagesRelayed;
      duplicates = now.duplicatesSuppressed - before.duplicatesSuppressed;
      if (relayed + duplicates >= r.sent) break;
      await sleep(100);
    }
    sendWindow = [windowStart, monotonicMicros()];
    const simSeconds = simCpu.stop();
    const clientSeconds = clientCpu.stop();
    const hostBusy = host.stop();
    const inbox = (await inboxOf()) - inbox0;
    send = {
      senders: n,
      sent: r.sent,
      uniqueIds: r.uniqueIds,
      failed: r.failed,
      relayed,
      duplicates,
      contactInbox: inbox,
      seconds: r.seconds,
      sentPerSecond: r.sent / r.seconds,
      simCpuMsPerMessage: (simSeconds * 1000) / Math.max(1, relayed),
      clientCpuMsPerMessage: (clientSeconds * 1000) / Math.max(1, r.sent),
      simMessagesPerCpuSecond: relayed / Math.max(1e-9, simSeconds),
      clientMessagesPerCpuSecond: r.sent / Math.max(1e-9, clientSeconds),
      hostBusy,
      errors: r.errors,
    };
  }

  const lastStatus = await Promise.all(clients.map((c) => c.status().catch(() => undefined)));
  await Promise.all(clients.map((c) => c.end()));
  let profiles: ProfileSummary[] = [];
  if (profile) {
    await sim.child.stop(); // the profile is written at exit
    profiles = profilesIn(profileDir).map((f) => summariseProfile(f, 20, sendWindow ? [sendWindow] : undefined));
  }
  report(results, send, stopReason, baseRss, lastStatus, profiles);
}

function report(
  measured: Step[],
  send: Record<string, number | string[]> | undefined,
  stopReason: string,
  baseRss: number,
  lastStatus: unknown[],
  profiles: ProfileSummary[],
): void {
  const rows: Row[] = measured.map((s, i) => ({
    sessions: s.target,
    'open at sim': s.open,
    'link failures': s.failed,
    'drops, reconnected (code)':
      Object.entries(s.closed)
        .map(([code, n]) => `${n} (${code})`)
        .join(', ') || '0',
    'link time s': fmt.dec(s.linkSeconds, 1),
    'links/s': fmt.dec(s.linksPerSecond, 1),
    'sim CPU ms/link': fmt.dec(s.simCpuMsPerLink, 1),
    'client CPU ms/link': fmt.dec(s.clientCpuMsPerLink, 1),
    'sim RSS MB (low–high)': `${fmt.mb(s.simRss)}–${fmt.mb(s.simRssHigh)}`,
    'sim KB/session': fmt.int(s.simRssPerSessionKb),
    'marginal KB/session':
      i > 0
        ? fmt.int(
            (s.simRss - (measured[i - 1]?.simRss ?? 0)) / 1024 / Math.max(1, s.linked - (measured[i - 1]?.linked ?? 0)),
          )
        : '—',
    'sim idle CPU': `${fmt.dec(s.simIdleCpuPercent, 1)}%`,
    'clients RSS MB': fmt.mb(s.clientRssTotal),
  }));
  const held = measured.at(-1)?.open ?? 0;
  const lines = [
    `## Simulator capacity (one \`turbozap sim\` process; simulator RSS at start ${fmt.mb(baseRss)} MB)`,
    '',
    rows.length > 0 ? markdownTable(rows) : '(no step completed)',
    '',
  ];
  if (stopReason) lines.push(`Stopped: ${stopReason}.`, '');
  if (send) {
    const n = (k: string) => send[k] as number;
    const ratio = n('simMessagesPerCpuSecond') / n('clientMessagesPerCpuSecond');
    lines.push(
      `### Messages: ${n('senders')} Baileys sessions in one process → one simulated contact (Signal-decrypted by the simulator), ${fmt.dec(n('seconds'), 1)}s`,
      '',
      markdownTable([
        {
          sent: n('sent'),
          relayed: n('relayed'),
          'duplicates suppressed': n('duplicates'),
          // a simulated phone keeps its last 10,000 messages: a full inbox is not a loss
          'in contact inbox': n('contactInbox') >= 9_900 ? `${n('contactInbox')} (inbox full)` : n('contactInbox'),
          'send errors': n('failed'),
          'msg/s': fmt.int(n('sentPerSecond')),
          'sim CPU ms/msg': fmt.dec(n('simCpuMsPerMessage'), 3),
          'client CPU ms/msg': fmt.dec(n('clientCpuMsPerMessage'), 3),
          'sim msg per CPU-s': fmt.int(n('simMessagesPerCpuSecond')),
          'client msg per CPU-s': fmt.int(n('clientMessagesPerCpuSecond')),
          'sim ÷ client': fmt.ratio(ratio),
          'host CPU busy': `${Math.round(n('hostBusy') * 100)}%`,
        },
      ]),
      '',
    );
    lines.push('### Goals (reported, not asserted)', '');
    lines.push(`- sessions held: ${held} (goal ≥ 2,000): ${held >= 2000 ? 'met' : 'NOT met'}`);
    lines.push(
      `- relay capacity: the simulator relays ${fmt.ratio(ratio)} the messages per CPU-second that one process of Baileys sockets sends (goal ≥ 3×): ${ratio >= 3 ? 'met' : 'NOT met'}`,
    );
  } else {
    lines.push(
      '### Goals (reported, not asserted)',
      '',
      `- sessions held: ${held} (goal ≥ 2,000): ${held >= 2000 ? 'met' : 'NOT met'}`,
    );
  }
  for (const p of profiles) {
    lines.push('', `### Simulator CPU profile, message phase (${p.totalMs} ms sampled; profiling slows it down)`, '');
    lines.push(...profileTables(p).slice(0, -1));
  }
  const out = lines.join('\n');
  process.stdout.write(`\n${out}\n`);
  const file = writeResults('sim-capacity', {
    settings: { steps, perProcess, concurrency, settle, idleSeconds, budget, senders, sendSeconds, window },
    steps: measured,
    send,
    stopReason,
    clientProcesses: lastStatus,
    profiles,
    table: out,
  });
  process.stdout.write(`\nresults: ${file}\n`);
}

runBenchmark(main);
