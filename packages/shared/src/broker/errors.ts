/** Stable codes for broker failures; callers branch on `code`, never on the message. */
export type BrokerErrorCode =
  /** Not connected (down, reconnecting) or the connection dropped before a confirm: retry later. */
  | 'BROKER_UNAVAILABLE'
  /** `close()` was called on this broker. */
  | 'BROKER_CLOSED'
  /** The queue or exchange does not exist. */
  | 'BROKER_NOT_FOUND'
  /** `send` to a queue that does not exist: the message was not stored anywhere. */
  | 'BROKER_UNROUTABLE'
  /** The broker refused the message (negative confirm). */
  | 'BROKER_NACKED'
  /** No confirm arrived within `publishTimeoutMs` (e.g. a resource alarm blocks publishers). */
  | 'BROKER_TIMEOUT'
  /** Re-declared with different options. */
  | 'BROKER_PRECONDITION_FAILED'
  /** An exclusive queue owned by another connection. */
  | 'BROKER_RESOURCE_LOCKED'
  | 'BROKER_ERROR';

export class BrokerError extends Error {
  readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
  }
}

/** The broker cannot be reached right now; the operation was not performed (or not confirmed). */
export class BrokerUnavailableError extends BrokerError {
  constructor(message = 'message broker unavailable', options?: { cause?: unknown }) {
    super('BROKER_UNAVAILABLE', message, options);
    this.name = 'BrokerUnavailableError';
  }
}

export class BrokerClosedError extends BrokerError {
  constructor(message = 'message broker closed') {
    super('BROKER_CLOSED', message);
    this.name = 'BrokerClosedError';
  }
}

export const isBrokerError = (err: unknown, code?: BrokerErrorCode): err is BrokerError =>
  err instanceof BrokerError && (code === undefined || err.code === code);
