/**
 * A failure worth retrying (network, 5xx, storage hiccup). `reason` is what the message ends
 * `failed` with if the retries run out.
 */
export class RetryableError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RetryableError';
    this.reason = reason;
  }
}

/** Machine-readable reasons a message ends `failed` (or `expired`) in the sender-worker. */
export const failureReasons = [
  'media_unreachable',
  'media_too_large',
  'media_type_not_allowed',
  'invalid_target',
  'invalid_recipient',
  'invalid_content',
  'media_store_failed',
  'prepare_failed',
  'expired',
  /** A `sending` message past its TTL whose owner died before recording it sent (the sweeper). */
  'delivery_unknown',
] as const;
export type FailureReason = (typeof failureReasons)[number];
