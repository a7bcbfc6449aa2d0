import type { Broker } from '@turbozap/shared/broker/port';
import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import {
  type EndedRow,
  messageSweepsRepo,
  type RedriveStatus,
  type StaleRow,
} from '@turbozap/shared/db/repositories/message-sweeps';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { Runtime } from '@turbozap/shared/runtime';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';
import { failedEvent } from './finalize.ts';
import type { OutboxPublisher } from './outbox.ts';
import { REDRIVE_HEADER } from './send-consumer.ts';

type Db = Runtime['db'];

/**
 * Ends not-yet-sent rows past `expires_at` as `expired`, each with its `message.failed` event
 * (reason `expired`) in the same transaction. Whatever the instance's state: that is the point.
 */
function expireDue(db: Db, now: Date, limit: number): Promise<EndedRow[]> {
  const end = { status: 'expired', reason: 'expired' } as const;
  return messageSweepsRepo.endDue(db, { statuses: ['queued', 'preparing', 'ready'], now }, end, limit, (row) =>
    failedEvent({ id: row.instance_id, name: row.name }, row, end.status, end.reason),
  );
}

/**
 * Ends `sending` rows past `expires_at` and untouched since `staleBefore` as `failed` with reason
 * `delivery_unknown`, each with its `message.failed` event in the same transaction. Such a row
 * was claimed by an owner that died (or lost its lease) between claiming it and writing `sent`:
 * the message may or may not be on the wire, and past its TTL nobody sends it again (claims
 * refuse it). Whatever the instance's state. The age keeps it off a row a live pass still holds
 * (a claim touches `updated_at`).
 */
function failUndelivered(db: Db, now: Date, staleBefore: Date, limit: number): Promise<EndedRow[]> {
  const due = { statuses: ['sending' as const], now, untouchedSince: staleBefore };
  const end = { status: 'failed', reason: 'delivery_unknown' } as const;
  return messageSweepsRepo.endDue(db, due, end, limit, (row) =>
    failedEvent({ id: row.instance_id, name: row.name }, row, end.status, end.reason),
  );
}

export interface SweeperOptions {
  db: Db;
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  outbox: OutboxPublisher;
  intervalMs: number;
  /**
   * A row untouched this long in queued/preparing/ready/sending is re-driven (longer than a media
   * download, and than a send pass holds its rows).
   */
  staleMs: number;
  batchSize: number;
  now?: () => number;
  /** Publishes the events of expired rows right after their commit. */
  onEvents?: ((envelopes: readonly EventEnvelope[]) => void) | undefined;
}

export interface SweepResult {
  expired: number;
  /** `sending` rows past their TTL ended `failed` with `delivery_unknown`. */
  deliveryUnknown: number;
  queued: number;
  preparing: number;
  ready: number;
  sending: number;
}

/**
 * Repairs what a lost publish or a crash left behind, for connected instances only (an
 * instance that is not connected keeps its rows until it is):
 *
 * | stale status | re-drive                                                            |
 * |--------------|---------------------------------------------------------------------|
 * | queued       | publish `message.send` again (only while the send queue is empty)   |
 * | preparing    | publish `message.send` with a redrive header: the consumer resumes   |
 * |              | the preparation. Status never moves back to queued (forward only).   |
 * | ready        | publish `message.outbox` again (only while that outbox is empty)     |
 * | sending      | the same: its owner died (or lost its lease) between the claim and   |
 * |              | `sent`, so the message may be on the wire. The new owner claims it    |
 * |              | again and sends it with the same WhatsApp id, which the recipient    |
 * |              | de-duplicates.                                                       |
 *
 * and, whatever the instance's state, ends every row past `expires_at`: a pending one `expired`,
 * a stale `sending` one `failed` with `delivery_unknown` (each with `message.failed`) — past its
 * TTL a message is never sent again (claims refuse it too), and whether it got out is unknown.
 * A duplicate job is harmless: every consumer step is a compare-and-set.
 */
export class Sweeper {
  readonly #options: SweeperOptions;
  readonly #loop: PollingLoop;

  constructor(options: SweeperOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      name: 'sweeper',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: () => this.sweepOnce().then(() => false),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async sweepOnce(): Promise<SweepResult> {
    const now = new Date(this.#options.now?.() ?? Date.now());
    const { db, batchSize, staleMs } = this.#options;
    const staleBefore = new Date(now.getTime() - staleMs);
    const result: SweepResult = {
      expired: this.#ended(await expireDue(db, now, batchSize), 'expired'),
      deliveryUnknown: this.#ended(await failUndelivered(db, now, staleBefore, batchSize), 'delivery_unknown'),
      queued: 0,
      preparing: 0,
      ready: 0,
      sending: 0,
    };
    for (const status of ['queued', 'preparing', 'ready', 'sending'] as const) {
      const rows = await this.#claim(status, now);
      result[status] = await this.#redrive(status, rows);
    }
    if (Object.values(result).some((n) => n > 0)) this.#options.logger.info('sweeper pass', { ...result });
    return result;
  }

  /** Counts and publishes what `expireDue` / `failUndelivered` ended. */
  #ended(rows: EndedRow[], reason: 'expired' | 'delivery_unknown'): number {
    for (const row of rows) this.#options.metrics.messagesFailed.inc({ wa_instance: row.name, reason });
    if (rows.length > 0) this.#options.onEvents?.(rows.map((r) => r.event));
    return rows.length;
  }

  async #claim(status: RedriveStatus, now: Date): Promise<StaleRow[]> {
    const { db, batchSize, staleMs } = this.#options;
    const staleBefore = new Date(now.getTime() - staleMs);
    let instanceIds = await messageSweepsRepo.instancesWithStale(db, status, staleBefore, now);
    // Rows still waiting in a queue look stale under a backlog: re-drive only from an empty queue.
    if (status === 'queued' && instanceIds.length > 0 && (await this.#depth(queues.send)) > 0) instanceIds = [];
    if (status === 'ready' || status === 'sending') {
      const empty = await Promise.all(instanceIds.map(async (id) => (await this.#depth(queues.outbox(id))) === 0));
      instanceIds = instanceIds.filter((_, i) => empty[i]);
    }
    return messageSweepsRepo.claimStale(db, { status, instanceIds, staleBefore, now, limit: batchSize });
  }

  async #redrive(status: RedriveStatus, rows: StaleRow[]): Promise<number> {
    const { broker, outbox, logger } = this.#options;
    const results = await Promise.allSettled(
      rows.map((row) =>
        status === 'ready' || status === 'sending'
          ? outbox.publish(row)
          : broker.send(queues.send, makeJob('message.send', { messageId: row.id, instanceId: row.instance_id }), {
              messageId: row.id,
              ...(status === 'preparing' ? { headers: { [REDRIVE_HEADER]: 1 } } : {}),
            }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    // A failed publish is retried on a later pass: the row becomes stale again after staleMs.
    if (failed > 0) logger.warn('sweeper could not re-drive some rows', { status, failed });
    return rows.length - failed;
  }

  /** Ready messages in a queue; a queue that does not exist holds none. */
  async #depth(queue: string): Promise<number> {
    try {
      return await this.#options.broker.depth(queue);
    } catch (err) {
      if ((err as { code?: string }).code === 'BROKER_NOT_FOUND') return 0;
      throw err;
    }
  }
}
