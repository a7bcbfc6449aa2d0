import { leaseKeys } from '@turbozap/shared/contracts/kv';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { type Fence, instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import type { Logger } from '@turbozap/shared/logging/logger';
import { withTimeout } from '@turbozap/shared/util/timeout';
import type { Db } from '../db-types.ts';

export type LeaseLossReason = 'renew_failed' | 'fence_stale' | 'instance_deleted';

export interface LeaseKeeperOptions {
  coordination: Coordination;
  db: Db;
  logger: Logger;
  ttlMs: number;
  /** Called once, when the instance is no longer this worker's: close the socket and stop consuming at once. */
  onLost: (reason: LeaseLossReason) => void;
}

/**
 * Keeps one instance's lease: every ttl/3 the owner's liveness in Postgres (owner_seen_at,
 * under the fencing token) and the lease in coordination. Postgres decides: another worker can
 * claim only once owner_seen_at is older than one TTL (ARCHITECTURE §4), so the owner lets go
 * when Postgres says its token is stale, or when it has not managed to refresh owner_seen_at for
 * two thirds of a TTL — before anyone else may start. Redis only speeds claims up: its errors, or
 * a lease lost to a Redis restart, cost no socket; the lease is taken back when it is free again.
 * Judging each Redis call instead would turn one Redis hiccup into every socket of the worker
 * dropped at once, and a reconnect storm.
 */
export class LeaseKeeper {
  readonly fence: Fence;
  readonly #o: LeaseKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lost = false;
  /** When owner_seen_at was last refreshed (the claim set it). */
  #refreshedAt = Date.now();

  constructor(fence: Fence, options: LeaseKeeperOptions) {
    this.fence = fence;
    this.#o = options;
  }

  get lost(): boolean {
    return this.#lost;
  }

  start(): void {
    this.#schedule();
  }

  /** One renewal; false (and onLost called) when the instance is no longer this worker's. */
  async renew(): Promise<boolean> {
    if (this.#lost || this.#stopped) return !this.#lost;
    const { db, ttlMs } = this.#o;
    // A call that hangs is as bad as one that fails: give up on it well before the TTL.
    const bound = Math.max(50, Math.floor(ttlMs / 3));
    try {
      if (!(await withTimeout(instanceOwnershipRepo.renew(db, this.fence), bound, 'owner liveness refresh'))) {
        const row = await instanceOwnershipRepo.get(db, this.fence.instanceId);
        return this.#lose(row ? 'fence_stale' : 'instance_deleted');
      }
      this.#refreshedAt = Date.now();
    } catch (error) {
      this.#o.logger.warn('owner liveness refresh failed', { instance_id: this.fence.instanceId, error });
    }
    await this.#keepLease(bound);
    if (Date.now() - this.#refreshedAt > (ttlMs * 2) / 3) return this.#lose('renew_failed');
    return true;
  }

  /** Extends the lease, or takes it back when Redis lost it; failing that is logged, not a loss. */
  async #keepLease(bound: number): Promise<void> {
    const { coordination, ttlMs } = this.#o;
    const key = leaseKeys.instance(this.fence.instanceId);
    try {
      if (await withTimeout(coordination.renewLease(key, this.fence.worker, ttlMs), bound, 'lease renew')) return;
      // Gone (Redis restarted, or it expired while Redis was unreachable) or briefly taken by a
      // claimer whose Postgres claim then fails against our fresh owner_seen_at: take it back.
      if (!(await withTimeout(coordination.acquireLease(key, this.fence.worker, ttlMs), bound, 'lease retake')))
        this.#o.logger.warn('lease held elsewhere; keeping the instance under its fence', {
          instance_id: this.fence.instanceId,
        });
    } catch (error) {
      this.#o.logger.warn('lease renew errored; keeping the instance under its fence', {
        instance_id: this.fence.instanceId,
        error,
      });
    }
  }

  /** Stops renewing and hands the lease back (coordination and Postgres) so a survivor can take over now. */
  async release(): Promise<void> {
    this.stop();
    const { coordination, db } = this.#o;
    await Promise.allSettled([
      coordination.releaseLease(leaseKeys.instance(this.fence.instanceId), this.fence.worker),
      instanceOwnershipRepo.release(db, this.fence),
    ]);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped || this.#lost) return;
    this.#timer = setTimeout(
      async () => {
        if (await this.renew()) this.#schedule();
      },
      Math.max(50, Math.floor(this.#o.ttlMs / 3)),
    );
  }

  #lose(reason: LeaseLossReason): false {
    if (this.#lost) return false;
    this.#lost = true;
    this.stop();
    this.#o.onLost(reason);
    return false;
  }
}
