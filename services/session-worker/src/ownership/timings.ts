/** Timings of the ownership machinery; defaults derive from LEASE_TTL, tests shorten them. */
export interface OwnershipTimings {
  leaseTtlMs: number;
  /** Desired-state scan period (nudges arrive in between). */
  reconcileIntervalMs: number;
  /** How long an instance must stay unowned before a worker other than its HRW choice takes it. */
  unclaimedGraceMs: number;
  /** At most this many instances handed to their new HRW owner per reconcile pass (scale-up). */
  rebalancePerPass: number;
}

export function defaultTimings(leaseTtlMs: number): OwnershipTimings {
  return {
    leaseTtlMs,
    reconcileIntervalMs: Math.min(5_000, Math.max(500, Math.floor(leaseTtlMs / 3))),
    unclaimedGraceMs: 2 * leaseTtlMs,
    rebalancePerPass: 2,
  };
}
