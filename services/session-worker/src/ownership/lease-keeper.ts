import type { Coordination } from '@turbozap/shared/coordination/port';
import { type Fence, instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import type { Logger } from '@turbozap/shared/logging/logger';
import { leaseKey } from '../context.ts';
import type { Db } from '../db-types.ts';
import { withTimeout } from '../util/timeout.ts';

export type LeaseLossReason = 'lease_lost' | 'renew_failed' | 'fence_stale' | 'instance_deleted';

export interface LeaseKeeperOptions {
  coordination: Coordination;
  db: Db;
  logger: Logger;
  ttlMs: number;
  /** Called once, at the first failed renew: close the socket and stop consuming at once. */
  onLost: (reason: LeaseLossReason) => void;
}

/**
 * Keeps one instance's lease: every ttl/3 a compare-and-extend in coordination plus the
 * owner's liveness (owner_seen_at) in Postgres. A renew that fails or errors is a loss — the
 * owner stops acting before anyone else may start (they need the lease gone AND owner_seen_at
 * older than one TTL).
 */
export class LeaseKeeper {
  readonly fence: Fence;
  readonly #o: LeaseKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lost = false;

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

  /** One renewal; false (and onLost called) when the lease is gone. */
  async renew(): Promise<boolean> {
    if (this.#lost || this.#stopped) return !this.#lost;
    const { coordination, db, ttlMs } = this.#o;
    let held: boolean;
    try {
      // A renew that hangs is as bad as one that fails: give up well before the lease could expire.
      held = await withTimeout(
        coordination.renewLease(leaseKey(this.fence.instanceId), this.fence.worker, ttlMs),
        Math.max(50, Math.floor(ttlMs / 2)),
        'lease renew',
      );
    } catch (error) {
      this.#o.logger.warn('lease renew errored', { instance_id: this.fence.instanceId, error });
      return this.#lose('renew_failed');
    }
    if (!held) return this.#lose('lease_lost');
    try {
      if (!(await instanceOwnershipRepo.renew(db, this.fence))) {
        const row = await instanceOwnershipRepo.get(db, this.fence.instanceId);
        return this.#lose(row ? 'fence_stale' : 'instance_deleted');
      }
    } catch (error) {
      // Postgres hiccup: the Redis lease still excludes everyone else; try again next round.
      this.#o.logger.warn('owner liveness refresh failed', { instance_id: this.fence.instanceId, error });
    }
    return true;
  }

  /** Stops renewing and hands the lease back (coordination and Postgres) so a survivor can take over now. */
  async release(): Promise<void> {
    this.stop();
    const { coordination, db } = this.#o;
    await Promise.allSettled([
      coordination.releaseLease(leaseKey(this.fence.instanceId), this.fence.worker),
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
