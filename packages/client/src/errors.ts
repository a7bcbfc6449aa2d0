import type { components } from './openapi.ts';

type ErrorBody = components['schemas']['Error'];

/** A refused request, as the API tells it: the HTTP status and the stable `code` to branch on. */
export class TurboZapError extends Error {
  readonly status: number;
  /** `instance_not_found`, `validation_failed`, `rate_limited`, … (API.md, Errors). */
  readonly code: string;
  /** `validation_failed` names each field here. */
  readonly details: unknown[];
  /** Seconds to wait before trying again (429, 503), when the API says. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, details: unknown[] = [], retryAfterSeconds?: number) {
    super(message);
    this.name = 'TurboZapError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** From a response that is not a success; a body that is not the API's envelope (a proxy's page) gets `http_<status>`. */
  static from(response: Response, body: unknown): TurboZapError {
    const retryAfter = Number(response.headers.get('retry-after'));
    const retry = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    if (error && typeof error.code === 'string') {
      return new TurboZapError(response.status, error.code, error.message ?? error.code, error.details ?? [], retry);
    }
    return new TurboZapError(
      response.status,
      `http_${response.status}`,
      response.statusText || 'request failed',
      [],
      retry,
    );
  }
}
