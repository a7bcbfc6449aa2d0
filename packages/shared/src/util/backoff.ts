/** An exponential curve: `baseMs · factor^n`, never above `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Growth per step (default 2). */
  factor?: number;
}

/**
 * The curve's n-th delay, n counting from 0. A huge n is harmless: the product saturates to
 * Infinity and the cap applies.
 */
export function exponentialDelay(policy: BackoffPolicy, n: number): number {
  return Math.min(policy.maxMs, policy.baseMs * (policy.factor ?? 2) ** Math.max(0, n));
}

/**
 * The n-th delay with "equal jitter": half of it fixed, half random, so retries spread out
 * without ever collapsing to zero. `random` is injectable for tests.
 */
export function jitteredDelay(policy: BackoffPolicy, n: number, random: () => number = Math.random): number {
  const ceiling = exponentialDelay(policy, n);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
