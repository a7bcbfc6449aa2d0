export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until a request would be allowed again (0 when allowed). */
  retryAfterMs: number;
}

export interface WorkerBeat {
  id: string;
  /** Free-form, small: capacity, pid, host. */
  info: Record<string, string | number>;
}

/** A worker in the live set, with how recently it beat. */
export interface LiveWorker extends WorkerBeat {
  /**
   * Milliseconds since its last beat, measured by the store's own clock (no skew between
   * hosts); null when the beat did not record its time (a worker of an older version).
   */
  beatAgeMs: number | null;
}

export type Unsubscribe = () => Promise<void>;

/**
 * Coordination between replicas: leases, liveness, rate limits, a small TTL'd key-value
 * cache and pub/sub. Redis in production, in-process in embedded mode.
 * Fencing tokens are NOT issued here: they come from Postgres (a Redis restart must not
 * reset them); a lease only says who may act right now.
 */
export interface Coordination {
  /** SET NX PX: true when `holder` now holds `key`. */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Compare-and-extend: false when `holder` no longer holds it (expired or taken). */
  renewLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Compare-and-delete: false when `holder` did not hold it. */
  releaseLease(key: string, holder: string): Promise<boolean>;
  leaseHolder(key: string): Promise<string | null>;

  /** Records a beat: the worker is live for `ttlMs` from now, its beat age restarts at 0. */
  heartbeat(beat: WorkerBeat, ttlMs: number): Promise<void>;
  removeWorker(id: string): Promise<void>;
  /** The workers whose last beat is younger than its TTL. */
  liveWorkers(): Promise<LiveWorker[]>;

  /** Sliding-window limit: at most `limit` hits per `windowMs` for `key`. */
  rateLimit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;

  setValue(key: string, value: string, ttlMs?: number): Promise<void>;
  getValue(key: string): Promise<string | null>;
  deleteValue(key: string): Promise<void>;

  /** Adds each of `counts` to the counters under `key` (from 0); the key expires `ttlMs` after its last add. */
  addCounts(key: string, counts: Readonly<Record<string, number>>, ttlMs: number): Promise<void>;
  /** The counters under each key, in order: `{}` for a key never added to, or expired. */
  readCounts(keys: readonly string[]): Promise<Record<string, number>[]>;

  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;

  healthy(): boolean;
  close(): Promise<void>;
}
