import type { DeliveryStatus } from '@turbozap/shared/db/schema';
import { type BackoffPolicy, jitteredDelay } from '@turbozap/shared/util/backoff';

/** What one attempt produced: an HTTP status, or an error before any status. */
export interface AttemptResult {
  statusCode: number | null;
  /** Retrying cannot help (the target is refused, the webhook is gone). */
  permanent?: boolean;
  /** From a 429/503 Retry-After header. */
  retryAfterMs?: number | undefined;
}

export interface RetryPolicy {
  /** WEBHOOK_RETRY_COUNT: retries after the first attempt. */
  retryCount: number;
  backoff: BackoffPolicy;
}

export interface Decision {
  status: DeliveryStatus;
  retryInMs?: number;
  outcome: 'delivered' | 'retry' | 'failed';
}

/** 2xx delivered; 3xx (not followed) and 4xx other than 408/429 fail at once; the rest retry. */
export function retryable(statusCode: number | null): boolean {
  if (statusCode === null) return true;
  return statusCode >= 500 || statusCode === 408 || statusCode === 429;
}

/** `attempt` counts from 1: attempt 1 is the first try, so `retryCount + 1` attempts in all. */
export function decide(result: AttemptResult, attempt: number, policy: RetryPolicy, random?: () => number): Decision {
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) return { status: 'delivered', outcome: 'delivered' };
  if (result.permanent || !retryable(code) || attempt > policy.retryCount)
    return { status: 'failed', outcome: 'failed' };
  const backoff = jitteredDelay(policy.backoff, attempt - 1, random);
  const retryInMs = Math.min(policy.backoff.maxMs, Math.max(backoff, result.retryAfterMs ?? 0));
  return { status: 'pending', retryInMs, outcome: 'retry' };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
