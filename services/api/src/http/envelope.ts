import type { Response } from 'express';

/** The response envelope of API.md: `{success, data}` or `{success: false, error}`. */
export function ok(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ success: true, data });
}

export function fail(
  res: Response,
  status: number,
  code: string,
  message: string,
  details?: unknown[],
  retryAfterSeconds?: number,
): void {
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  res.status(status).json({ success: false, error: { code, message, ...(details ? { details } : {}) } });
}
