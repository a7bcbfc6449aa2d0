/**
 * An error with a stable machine-readable code. The API's error middleware maps the code
 * to an HTTP status and the envelope of API.md; anything else is an opaque, logged 500.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    message: string,
    status: number,
    options: { details?: unknown[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string, code = `${what}_not_found`) => new AppError(code, `${what} not found`, 404);
export const validationFailed = (details: unknown[]) =>
  new AppError('validation_failed', 'request validation failed', 400, { details });
export const conflict = (message: string, code = 'conflict') => new AppError(code, message, 409);
export const serviceUnavailable = (message: string, cause?: unknown) =>
  new AppError('service_unavailable', message, 503, { retryAfterSeconds: 5, cause });

/** A failure that will not get better by retrying (the message ends `failed`). */
export class PermanentError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'PermanentError';
    this.reason = reason;
  }
}
