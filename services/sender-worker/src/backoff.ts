export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, half random,
 * so retries spread out without ever collapsing to zero. `attempt` counts from 1.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * (policy.factor ?? 2) ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
