import type client from 'prom-client';

/**
 * Reasons a message ends `failed` or `expired` (the sender-worker's reasons, the
 * session-worker's PermanentError reasons and its retries-exhausted `send_failed`). A reason
 * missing here still counts: its series is created on first use, like `rejected_<status>`.
 */
export const messageFailureReasons = [
  'expired',
  'delivery_unknown',
  'send_failed',
  'invalid_content',
  'invalid_recipient',
  'invalid_target',
  'media_missing',
  'media_store_failed',
  'media_too_large',
  'media_type_not_allowed',
  'media_unreachable',
  'prepare_failed',
  'target_not_found',
  'target_not_sent',
  'unsupported_type',
] as const;

/**
 * Why a received message was let go unstored: `unprocessable` — storing it failed for a reason
 * of its own (not an unreachable database, which is waited out), so retrying would never end.
 */
export const inboundDropReasons = ['unprocessable'] as const;

export const webhookOutcomes = ['delivered', 'retry', 'failed'] as const;
export const prunedTables = ['events_outbox', 'webhook_deliveries'] as const;

/**
 * Starts each known value of a bounded label at 0, so `sum(rate(...))` reads 0 instead of
 * nothing before the first event. Where that label is the counter's only one (`event`, `table`)
 * rate()/increase() also see the first increment, which a series appearing at 1 loses.
 * Per-instance labels (`wa_instance`) are never pre-created: those series appear on use, beside
 * a zero series that carries only the bounded label.
 */
export function startAtZero<T extends string>(
  counter: client.Counter<T>,
  label: NoInfer<T>,
  values: readonly string[],
): client.Counter<T> {
  for (const value of values) counter.inc({ [label]: value } as Partial<Record<T, string>>, 0);
  return counter;
}
