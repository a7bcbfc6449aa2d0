import type { ServiceConfig } from '@turbozap/shared/config';

/** The API's limits beyond what `Config` carries. */
export interface ApiLimits {
  /** Reads (GET routes that do not call WhatsApp) per minute per instance; 0: no limit. */
  readRateLimitRpm: number;
  /** Failed authentications per minute per client address before 429 `too_many_failed_auth`. */
  failedAuthPerMinute: number;
}

/**
 * A client retyping a key fails a few times a minute; a guesser fails hundreds. Generous
 * enough for the first, and it bounds the database queries of the second (see auth.ts).
 */
export const failedAuthPerMinute = 30;

export function apiLimits(config: ServiceConfig<'api'>): ApiLimits {
  return { readRateLimitRpm: config.api.readRateLimitRpm, failedAuthPerMinute };
}
