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
