/**
 * Retry delays are rounded to a fixed ladder so the AMQP adapter needs one TTL queue per rung
 * (shared by every queue) instead of one per distinct delay: at most ~90 queues between 10 ms and
 * 24 h, each within ~12% of the requested delay.
 */
const STEPS = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8];
export const MIN_RETRY_DELAY_MS = 10;
export const MAX_RETRY_DELAY_MS = 86_400_000;

const LADDER: number[] = [];
for (let scale = 10; scale <= MAX_RETRY_DELAY_MS; scale *= 10) {
  for (const step of STEPS) if (step * scale <= MAX_RETRY_DELAY_MS) LADDER.push(Math.round(step * scale));
}
if (LADDER.at(-1) !== MAX_RETRY_DELAY_MS) LADDER.push(MAX_RETRY_DELAY_MS);

/** The rung nearest (in ratio) to `delayMs`, clamped to [MIN_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS]. */
export function retryBucketMs(delayMs: number): number {
  const d = Math.min(MAX_RETRY_DELAY_MS, Math.max(MIN_RETRY_DELAY_MS, Number.isFinite(delayMs) ? delayMs : 0));
  let best = LADDER[0]!;
  for (const rung of LADDER) if (Math.abs(Math.log(rung / d)) < Math.abs(Math.log(best / d))) best = rung;
  return best;
}
