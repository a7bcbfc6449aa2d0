import { instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import type { InstanceScope } from '../instance-scope.ts';

/** How often last_activity_at is written at most (the gauge moves on every message). */
const WRITE_EVERY_MS = 60_000;

/**
 * Last message sent or received: `turbozap_instance_last_activity_timestamp_seconds` (WhatsApp
 * unlinks devices idle for ~14 days) and `instances.last_activity_at`, throttled, fenced.
 */
export class ActivityTracker {
  readonly #scope: InstanceScope;
  #lastWrite = 0;

  constructor(scope: InstanceScope) {
    this.#scope = scope;
  }

  touch = (at: Date): void => {
    const { metrics, db } = this.#scope.ctx;
    metrics.instanceLastActivity.set({ wa_instance: this.#scope.instance.name }, at.getTime() / 1000);
    if (at.getTime() - this.#lastWrite < WRITE_EVERY_MS) return;
    this.#lastWrite = at.getTime();
    instanceOwnershipRepo.touchActivity(db, this.#scope.fence, at).catch((error) => {
      this.#scope.log.warn('recording last activity failed', { error });
    });
  };

  dispose(): void {
    this.#scope.ctx.metrics.instanceLastActivity.remove({ wa_instance: this.#scope.instance.name });
  }
}
