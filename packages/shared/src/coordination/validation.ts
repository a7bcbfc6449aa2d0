/** Argument checks shared by every Coordination adapter, so they reject exactly the same calls. */

/** A positive, finite duration in milliseconds; fractions round up (Redis PX takes integers). */
export function ttlMs(value: number, name = 'ttlMs'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive, finite number of milliseconds (got ${String(value)})`);
  }
  return Math.ceil(value);
}

export function rateLimitArgs(limit: number, windowMs: number): { limit: number; windowMs: number } {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be an integer >= 1 (got ${String(limit)})`);
  }
  return { limit, windowMs: ttlMs(windowMs, 'windowMs') };
}

export function nonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}
