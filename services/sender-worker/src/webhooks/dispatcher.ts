import {
  type AttemptOutcome,
  type ClaimedDelivery,
  claimDueDeliveries,
  type FinishedAttempt,
  finishAttempt,
  finishAttempts,
  releaseClaims,
} from '@turbozap/shared/db/repositories/webhook-deliveries';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { ResolveAll } from '@turbozap/shared/net';
import type { Runtime } from '@turbozap/shared/runtime';
import { GroupCommit } from '@turbozap/shared/util/group-commit';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';
import type { Agent } from 'undici';
import type { MediaAttachment } from './media-attachment.ts';
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
  /** Where received media is read from for webhooks with `include_media_base64`. */
  media?: MediaAttachment;
  retry: RetryPolicy;
  /** Requests in flight at once in this process; up to twice as many deliveries are claimed ahead. */
  concurrency: number;
  pollIntervalMs: number;
  /**
   * Lease on a claimed delivery; half of it must outlast an attempt (timeout + DNS +
   * bookkeeping): a claim waiting in the queue is started only while half of its lease is left.
   */
  lockMs: number;
  now?: () => number;
  random?: () => number;
}

interface Claim {
  delivery: ClaimedDelivery;
  /** Local clock: the lease is surely over after this (it was taken before the claim returned). */
  leaseEnds: number;
}

/**
 * Delivers due webhook deliveries. Each is claimed with a short lease (not a lock held during
 * the HTTP call), posted, then settled with a compare on the claim, so side-by-side
 * dispatchers never make the same attempt twice.
 *
 * Under load nothing waits on a round trip it does not need: deliveries are claimed ahead in
 * batches (while the previous batch is being posted), a request slot is free again as soon as
 * its response is in, and the results of attempts finishing together are recorded in one
 * statement. A claim never started is given back (on stop, or when too little of its lease is
 * left for a whole attempt), so it costs the delivery no retry.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #loop: PollingLoop;
  /** Claimed, not started yet. */
  readonly #queue: Claim[] = [];
  /** Attempts started and not yet recorded (the request may be over), and claims being given back. */
  readonly #inflight = new Set<Promise<void>>();
  #posting = 0;
  #stopping = false;
  readonly #results: GroupCommit<FinishedAttempt, boolean>;
  #wake: PromiseWithResolvers<void> | null = null;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#results = new GroupCommit(
      async (batch) => {
        const settled = await finishAttempts(options.db, batch);
        return batch.map((f) => settled.has(f.claim.id));
      },
      { maxBatch: Math.max(1, options.concurrency * 2), single: (f) => finishAttempt(options.db, f.claim, f.outcome) },
    );
    this.#loop = new PollingLoop({
      name: 'webhook dispatcher',
      intervalMs: options.pollIntervalMs,
      logger: options.logger,
      tick: () => this.#tick(),
    });
  }

  start(): void {
    this.#stopping = false;
    this.#loop.start();
  }

  /** New deliveries exist: claim soon. */
  poke(): void {
    this.#loop.poke();
  }

  /**
   * Stops claiming, gives back the claims not started, and waits for the attempts in flight
   * (each bounded by the timeout) to be recorded.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#notify();
    await this.#loop.stop();
    await this.#release(this.#queue.splice(0));
    await Promise.allSettled([...this.#inflight]);
    await this.#results.idle();
  }

  /** Claims what is due (up to the concurrency), attempts it and waits until all is recorded. For tests and tools. */
  async dispatchOnce(): Promise<number> {
    const claimed = await this.#claim(this.#options.concurrency);
    await Promise.all(claimed.map((claim) => this.#attempt(claim, () => {})));
    return claimed.length;
  }

  async #tick(): Promise<boolean> {
    const { concurrency } = this.#options;
    // Claim when the queue is down to one slot-full, up to two: the next batch is claimed while
    // this one is posted. Stop claiming while results wait to be recorded (the database is slow).
    while (!this.#stopping && (this.#queue.length >= concurrency || this.#inflight.size >= concurrency * 4))
      await this.#changed();
    if (this.#stopping) return false;
    const limit = concurrency * 2 - this.#queue.length;
    const claimed = await this.#claim(limit);
    this.#queue.push(...claimed);
    this.#pump();
    return claimed.length === limit;
  }

  async #claim(limit: number): Promise<Claim[]> {
    const { db, lockMs } = this.#options;
    const asked = this.#now();
    const claimed = await claimDueDeliveries(db, { limit, lockMs });
    return claimed.map((delivery) => ({ delivery, leaseEnds: asked + lockMs }));
  }

  /** Starts queued attempts while request slots are free. */
  #pump(): void {
    const stale: Claim[] = [];
    while (!this.#stopping && this.#posting < this.#options.concurrency && this.#queue.length > 0) {
      const claim = this.#queue.shift() as Claim;
      // The lease must outlast the attempt, queued time included: one starts only while half of
      // its lease is left (the lease is twice the timeout plus a margin, so half covers an attempt).
      if (claim.leaseEnds - this.#now() < this.#options.lockMs / 2) {
        stale.push(claim);
        continue;
      }
      let posted = false;
      const free = () => {
        if (posted) return;
        posted = true;
        this.#posting--;
        this.#pump();
        this.#notify();
      };
      this.#posting++;
      const work = this.#attempt(claim, free).finally(() => {
        free();
        this.#inflight.delete(work);
        this.#notify();
      });
      this.#inflight.add(work);
    }
    if (stale.length > 0) {
      const releasing = this.#release(stale).finally(() => this.#inflight.delete(releasing));
      this.#inflight.add(releasing);
    }
  }

  async #release(claims: Claim[]): Promise<void> {
    if (claims.length === 0) return;
    try {
      await releaseClaims(
        this.#options.db,
        claims.map((c) => c.delivery),
      );
    } catch (err) {
      // Their leases expire instead; each then costs one retry.
      this.#options.logger.warn('could not give back unstarted webhook claims', { count: claims.length, err });
    }
  }

  /** One attempt: `posted` is called once the request is over, the promise resolves once it is recorded. */
  async #attempt({ delivery: claim }: Claim, posted: () => void): Promise<void> {
    const { logger, metrics, retry } = this.#options;
    try {
      if (!claim.enabled) {
        posted();
        await this.#record(claim, {
          status: 'failed',
          statusCode: null,
          error: 'webhook disabled',
          durationMs: 0,
          logAttempt: false,
        });
        return;
      }
      const result = await postDelivery(claim, { ...this.#options, nowMs: this.#now() });
      posted();
      const decision = decide(result, claim.attempts, retry, this.#options.random);
      const settled = await this.#record(claim, {
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
      // winston formats (and redacts) a record before its level is checked: skip unwanted debug ones.
      if (settled && decision.outcome === 'delivered' && !logger.isDebugEnabled()) return;
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

  #record(claim: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
    return this.#results.submit({ claim, outcome });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** Resolves at the next change of the queue or of the attempts in flight. */
  #changed(): Promise<void> {
    this.#wake ??= Promise.withResolvers<void>();
    return this.#wake.promise;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.resolve();
  }
}
