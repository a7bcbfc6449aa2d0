import type { ServiceConfig } from '@turbozap/shared/config';

/** The API's limits beyond what `Config` carries. */
export interface ApiLimits {
  /** Reads (GET routes that do not call WhatsApp) per minute per instance; 0: no limit. */
  readRateLimitRpm: number;
  /** Failed authentications per minute per client address before 429 `too_many_failed_auth`. */
  failedAuthPerMinute: number;
  /** Key lookups that find nothing, per minute, for the whole replica; past it 503 `auth_busy`. */
  failedLookupsPerMinute: number;
}

/**
 * A client retyping a key fails a few times a minute; a guesser fails hundreds. Generous
 * enough for the first, and it bounds the database queries of the second (see auth.ts).
 */
export const failedAuthPerMinute = 30;

/**
 * Legitimate clients rarely present a key that does not exist; a flood of random keys from
 * many addresses does nothing else. 600 a minute keeps such a flood to 10 queries a second per
 * replica, while keys that exist are never budgeted.
 */
export const failedLookupsPerMinute = 600;

export function apiLimits(config: ServiceConfig<'api'>): ApiLimits {
  return { readRateLimitRpm: config.api.readRateLimitRpm, failedAuthPerMinute, failedLookupsPerMinute };
}
