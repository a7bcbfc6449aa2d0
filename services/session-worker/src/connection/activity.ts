import { instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { InstanceScope } from '../instance-scope.ts';

/** How often last_activity_at is written at most (the gauge moves on every message). */
const WRITE_EVERY_MS = 60_000;

/**
 * Last message sent or received: `turbozap_instance_last_activity_timestamp_seconds` (WhatsApp
 * unlinks devices idle for ~14 days) and `instances.last_activity_at`, throttled, fenced.
 */
export class ActivityTracker {
  readonly #scope: InstanceScope;
  readonly #metrics: Metrics;
  #lastWrite = 0;

  constructor(scope: InstanceScope, metrics: Metrics) {
    this.#scope = scope;
    this.#metrics = metrics;
    void this.#seed();
  }

  /**
   * A worker that takes an instance over (failover, restart) reports its last activity at once
   * from the database, so the 14-day inactivity alert sees idle instances too.
   */
  async #seed(): Promise<void> {
    const { db } = this.#scope;
    const metrics = this.#metrics;
    try {
      const row = await instancesRepo.activity(db, this.#scope.instance.id);
      const at = row?.last_activity_at ?? row?.created_at;
      if (at && this.#lastWrite === 0)
        metrics.instanceLastActivity.set({ wa_instance: this.#scope.instance.name }, at.getTime() / 1000);
    } catch (error) {
      this.#scope.log.warn('reading last activity failed', { error });
    }
  }

  touch = (at: Date): void => {
    const { db } = this.#scope;
    const metrics = this.#metrics;
    metrics.instanceLastActivity.set({ wa_instance: this.#scope.instance.name }, at.getTime() / 1000);
    if (at.getTime() - this.#lastWrite < WRITE_EVERY_MS) return;
    this.#lastWrite = at.getTime();
    instanceOwnershipRepo.touchActivity(db, this.#scope.fence, at).catch((error) => {
      this.#scope.log.warn('recording last activity failed', { error });
    });
  };

  dispose(): void {
    this.#metrics.instanceLastActivity.remove({ wa_instance: this.#scope.instance.name });
  }
}
