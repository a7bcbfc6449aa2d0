// The pipeline's second pass: TurboZap at half of the rate it reached, so latency is that of a
// message not queued behind a backlog (issue #6: p99 under 1 s at half of the maximum rate).
import { percentile, watchInbox } from './inbox.ts';
import { fmt, log, markdownTable } from './report.ts';
import type { SimProcess } from './sim.ts';
import { api } from './turbozap.ts';

export interface HalfRate {
  offered: number;
  submitted: number;
  delivered: number;
  p50: number;
  p99: number;
}

/** Submits at a steady `rate` (msg/s) for `seconds` and reports the latency to the contact. */
export async function runHalfRate(
  sim: SimProcess,
  apiUrl: string,
  targets: { name: string; key: string }[],
  contact: string,
  { rate, seconds, timeoutS }: { rate: number; seconds: number; timeoutS: number },
): Promise<HalfRate> {
  const tag = `half${targets.length}`;
  const watch = watchInbox(sim, contact, tag);
  const total = Math.max(10, Math.round(rate * seconds));
  log(`  turbozap, ${targets.length} instance(s): ${total} messages at ${fmt.int(rate)} msg/s (half rate)`);
  const watching = watch.waitFor(total, (seconds + timeoutS) * 1000); // polls while we submit
  const started = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let k = 0; k < total; k++) {
    const due = started + (k * 1000) / rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const target = targets[k % targets.length] as { name: string; key: string };
    const text = `${tag} ${target.name}-${k} t=${Date.now()}`;
    sends.push(api(apiUrl, 'POST', `/api/message/${target.name}/text`, { to: contact, text }, target.key));
  }
  const [, delivered] = await Promise.all([Promise.allSettled(sends), watching]);
  const lat = watch.latencies();
  const half = { offered: rate, submitted: total, delivered, p50: percentile(lat, 50), p99: percentile(lat, 99) };
  log(`    ${delivered}/${total} delivered, p50 ${half.p50} ms, p99 ${half.p99} ms`);
  return half;
}

export function halfRateTable(runs: Array<HalfRate & { instances: number }>, seconds: number): string[] {
  const rows = runs.map((r) => ({
    instances: r.instances,
    'offered msg/s': fmt.int(r.offered),
    delivered: `${r.delivered}/${r.submitted}`,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
  }));
  if (rows.length === 0) return [];
  return [
    `TurboZap at half of its rate above, for ${seconds} s (goal: p99 under 1 s; latency resolution 100 ms):`,
    '',
    markdownTable(rows),
    '',
  ];
}
