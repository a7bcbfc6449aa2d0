// The console's instance list with thousands of instances, in Chromium. Run:
//   bash scripts/with-tools.sh node bench/console-instances.ts [--help]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CDPSession, chromium, type Page } from 'playwright-core';
import { runBenchmark } from './lib/children.ts';
import { profileTables, summariseProfile } from './lib/cpuprofile.ts';
import { repoRoot } from './lib/deps.ts';
import { startGateway } from './lib/gateway.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { adminKey, api, createInstance, until } from './lib/turbozap.ts';

const usage = `
bench/console-instances.ts — the console's instance list (/manager) with N instances, in
Debian's Chromium (playwright-core), against the api and a session-worker with the simulator:
  render    from pressing "Entrar" to the list showing "N de N": wall time, and the page's
            main-thread time (Chrome's TaskDuration) in that window
  scroll    the list scrolled through, one screenful per animation frame: frame intervals
  updates   --updates instances asked to connect (each turns connecting, then waiting for the
            QR): the page's main-thread time per status change it received over /events/statuses,
            less what the page spends idle over the same time; as script + layout + style, and
            as every task (which, being wall time, also grows while the session-worker's
            handshakes take the CPU the page would use)
Reports the table rows in the DOM (the virtualised list renders those in view), and the page's
JavaScript heap. Needs PostgreSQL, RabbitMQ and Redis on loopback and /usr/bin/chromium.

Usage: bash scripts/with-tools.sh node bench/console-instances.ts [options]
  --instances N   instances in the list (default 2000)
  --updates N     instances asked to connect while the list is open (default 200)
  --profile       write the page's CPU profile of the update window and print where it went
  -h, --help
Goal (reported, not asserted): the list renders in < 1 s; scrolling keeps frames ≤ 50 ms (p95);
a status change costs the page < 1 ms of script and layout.
`;

const flags = cli(usage, { instances: { type: 'string' }, updates: { type: 'string' }, profile: { type: 'boolean' } });
const instances = num(flags.instances, 2_000, 'instances');
const updates = Math.min(instances, num(flags.updates, 200, 'updates'));
const nameOf = (i: number) => `lista-${String(i).padStart(5, '0')}`;

/** Chrome's own counters of the page: seconds of main-thread work by kind, heap bytes. */
async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}
/** Main-thread ms between two readings: every task, or only running script, layout and style. */
const tasksMs = (a: Record<string, number>, b: Record<string, number>) =>
  ((b.TaskDuration ?? 0) - (a.TaskDuration ?? 0)) * 1000;
const scriptMs = (a: Record<string, number>, b: Record<string, number>) =>
  ['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'].reduce((ms, k) => ms + ((b[k] ?? 0) - (a[k] ?? 0)), 0) *
  1000;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Counts `connection.update` events on the admin status stream until stopped. */
function countStatusEvents(base: string): { count(): number; stop(): void } {
  const stop = new AbortController();
  let seen = 0;
  void (async () => {
    const res = await fetch(`${base}/api/events/statuses`, { headers: { 'X-API-Key': adminKey }, signal: stop.signal });
    const decoder = new TextDecoder();
    let carry = '';
    for await (const chunk of res.body ?? []) {
      const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
      carry = lines.pop() ?? '';
      seen += lines.filter((l) => l.startsWith('data:') && l.includes('"connection.update"')).length;
    }
  })().catch(() => undefined);
  return { count: () => seen, stop: () => stop.abort() };
}

/** Scrolls the list one screenful per animation frame, top to bottom: each frame's interval, ms. */
function scrollThrough(page: Page): Promise<number[]> {
  return page.getByTestId('instance-scroller').evaluate(async (el) => {
    // Runs in the page (this project's types have no DOM): the browser's requestAnimationFrame.
    const { requestAnimationFrame } = globalThis as unknown as { requestAnimationFrame(f: (t: number) => void): void };
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    const intervals: number[] = [];
    let last = await frame();
    while (el.scrollTop + el.clientHeight < el.scrollHeight) {
      el.scrollTop += el.clientHeight;
      const now = await frame();
      intervals.push(now - last);
      last = now;
    }
    return intervals;
  });
}

async function main(): Promise<void> {
  const gateway = await startGateway({ tag: 'consolelist', sessionWorkers: 1, capacity: updates + 50 });
  const base = gateway.api.url;
  log(`creating ${instances} instances`);
  for (let i = 0; i < instances; i += 25)
    await Promise.all(
      Array.from({ length: Math.min(25, instances - i) }, (_, j) => createInstance(base, nameOf(i + j))),
    );

  const started = Date.now();
  const listed = await api<{ data: unknown[] }>(base, 'GET', '/api/instance/list');
  const listMs = Date.now() - started;
  const listBytes = JSON.stringify(listed.body).length;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${base}/manager`);
    await page.getByLabel('Chave da API').fill(adminKey);

    const before = await metrics(cdp);
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page
      .getByTestId('instance-count')
      .filter({ hasText: `${instances} de ${instances}` })
      .waitFor();
    const renderMs = Date.now() - clicked;
    const rendered = await metrics(cdp);
    const rows = await page.getByTestId('instance-row').count();

    const frames = await scrollThrough(page);
    await page.getByTestId('instance-scroller').evaluate((el) => el.scrollTo(0, 0));

    // The page at rest, as long as the update window will last: what it spends with nothing arriving.
    const idleSeconds = 10;
    const idle0 = await metrics(cdp);
    await sleep(idleSeconds * 1000);
    const idle1 = await metrics(cdp);
    const idle = {
      tasks: tasksMs(idle0, idle1) / (idleSeconds * 1000),
      script: scriptMs(idle0, idle1) / (idleSeconds * 1000),
    };

    const stream = countStatusEvents(base);
    await sleep(1_000);
    if (flags.profile) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
    const up0 = await metrics(cdp);
    const windowStart = Date.now();
    for (let i = 0; i < updates; i += 20)
      await Promise.all(
        Array.from({ length: Math.min(20, updates - i) }, (_, j) =>
          api(base, 'POST', `/api/instance/${nameOf(i + j)}/connect`),
        ),
      );
    await until(
      `${updates} instances waiting for the QR`,
      async () => {
        const list = await api<{ data: { status: string }[] }>(base, 'GET', '/api/instance/list');
        return list.body.data.filter((row) => row.status === 'qr_code').length >= updates;
      },
      180_000,
    );
    await sleep(2_000); // the last events reach the page
    const up1 = await metrics(cdp);
    if (flags.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      const file = join(repoRoot, 'bench/results', `console-updates-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      for (const table of profileTables(summariseProfile(file, 20))) process.stdout.write(`\n${table}\n`);
    }
    const windowMs = Date.now() - windowStart;
    stream.stop();
    const received = stream.count();
    const perEvent = (ms: number, idlePerMs: number) => fmt.dec((ms - idlePerMs * windowMs) / Math.max(1, received));

    const row: Row = {
      instances,
      'list API ms': listMs,
      'list KB': Math.round(listBytes / 1024),
      'render ms (wall)': renderMs,
      'render main-thread ms': Math.round(tasksMs(before, rendered)),
      'render script+layout ms': Math.round(scriptMs(before, rendered)),
      'rows in DOM': rows,
      'scroll frames': frames.length,
      'frame p50 ms': fmt.dec(quantile(frames, 0.5)),
      'frame p95 ms': fmt.dec(quantile(frames, 0.95)),
      'frame max ms': fmt.dec(Math.max(...frames)),
      'status events': received,
      'script+layout ms / event': perEvent(scriptMs(up0, up1), idle.script),
      'all tasks ms / event': perEvent(tasksMs(up0, up1), idle.tasks),
      'JS heap MB': fmt.mb(up1.JSHeapUsedSize ?? 0),
    };
    process.stdout.write(`\n${markdownTable([row])}\n`);
    log(`results: ${writeResults('console-instances', { ...row, frames, idle, windowMs })}`);
  } finally {
    await browser.close();
  }
}

runBenchmark(main);
