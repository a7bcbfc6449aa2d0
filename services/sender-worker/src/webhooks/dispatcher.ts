import { type ClaimedDelivery, claimDueDeliveries, finishAttempt } from '@turbozap/shared/db/repositories/webhooks';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { ResolveAll } from '@turbozap/shared/net';
import type { Runtime } from '@turbozap/shared/runtime';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';
import type { Agent } from 'undici';
import { postDelivery } from './request.ts';
import { decide, type RetryPolicy } from './retry-policy.ts';

export interface DispatcherOptions {
  db: Runtime['db'];
  logger: Logger;
  metrics: Metrics;
  agent: Agent;
  allowPrivate: boolean;
  resolve?: ResolveAll | undefined;
  /** WEBHOOK_TIMEOUT, per attempt. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Attempts in flight at once in this process. */
  concurrency: number;
  pollIntervalMs: number;
  /** Lease on a claimed delivery; must outlast an attempt (timeout + DNS + bookkeeping). */
  lockMs: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Delivers due webhook deliveries. Each is claimed with a short lease (not a lock held during
 * the HTTP call), posted, then settled with a compare on the claim, so side-by-side
 * dispatchers never make the same attempt twice.
 */
export class WebhookDispatcher {
  private readonly options: DispatcherOptions;
  private readonly loop: PollingLoop;
  private readonly inflight = new Set<Promise<void>>();

  constructor(options: DispatcherOptions) {
    this.options = options;
    this.loop = new PollingLoop({
      name: 'webhook dispatcher',
      intervalMs: options.pollIntervalMs,
      logger: options.logger,
      tick: () => this.tick(),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** New deliveries exist: claim soon. */
  poke(): void {
    this.loop.poke();
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inflight]);
  }

  /** Claims what is due (up to the concurrency) and waits for those attempts. For tests and tools. */
  async dispatchOnce(): Promise<number> {
    const claimed = await claimDueDeliveries(this.options.db, {
      limit: this.options.concurrency,
      lockMs: this.options.lockMs,
    });
    await Promise.all(claimed.map((claim) => this.attempt(claim)));
    return claimed.length;
  }

  private async tick(): Promise<boolean> {
    const free = this.options.concurrency - this.inflight.size;
    if (free <= 0) {
      await Promise.race(this.inflight);
      return true;
    }
    const claimed = await claimDueDeliveries(this.options.db, { limit: free, lockMs: this.options.lockMs });
    for (const claim of claimed) {
      const work = this.attempt(claim).finally(() => this.inflight.delete(work));
      this.inflight.add(work);
    }
    return claimed.length === free;
  }

  private async attempt(claim: ClaimedDelivery): Promise<void> {
    const { db, logger, metrics, retry } = this.options;
    const now = this.options.now ?? Date.now;
    try {
      if (!claim.enabled) {
        await finishAttempt(db, claim, {
          status: 'failed',
          statusCode: null,
          error: 'webhook disabled',
          durationMs: 0,
          logAttempt: false,
        });
        return;
      }
      const result = await postDelivery(claim, { ...this.options, nowMs: now() });
      const decision = decide(result, claim.attempts, retry, this.options.random);
      const settled = await finishAttempt(db, claim, {
        status: decision.status,
        ...(decision.retryInMs !== undefined ? { retryInMs: decision.retryInMs } : {}),
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        logAttempt: true,
      });
      const instance = (claim.payload.instance as { name?: string } | undefined)?.name ?? claim.instance_id;
      metrics.webhookDeliveries.inc({ wa_instance: instance, outcome: decision.outcome });
      metrics.webhookDuration.observe(result.durationMs / 1000);
      const log = {
        deliveryId: claim.id,
        eventId: claim.event_id,
        attempt: claim.attempts,
        status: result.statusCode,
        outcome: decision.outcome,
      };
      if (!settled)
        logger.warn('webhook attempt finished after its claim was replaced (replayed or lease expired)', log);
      else if (decision.outcome === 'delivered') logger.debug('webhook delivered', log);
      else logger.info('webhook attempt failed', { ...log, error: result.error, retryInMs: decision.retryInMs });
    } catch (err) {
      // Bookkeeping failed (database down): the lease expires and the delivery is claimed again.
      logger.warn('webhook attempt could not be recorded', { deliveryId: claim.id, err });
    }
  }
}
