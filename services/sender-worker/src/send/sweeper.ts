import type { Broker } from '@turbozap/shared/broker/port';
import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { Runtime } from '@turbozap/shared/runtime';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';
import type { OutboxPublisher } from './outbox.ts';
import { REDRIVE_HEADER } from './send-consumer.ts';
import { claimStale, expireDue, instancesWithStale, type RedriveStatus, type StaleRow } from './sweeper-store.ts';

export interface SweeperOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  outbox: OutboxPublisher;
  intervalMs: number;
  /** A row untouched this long in queued/preparing/ready is re-driven (longer than a media download). */
  staleMs: number;
  batchSize: number;
  now?: () => number;
  /** An event was written (nudges the events relay). */
  /** Publishes the events of expired rows right after their commit. */
  onEvents?: ((envelopes: readonly EventEnvelope[]) => void) | undefined;
}

export interface SweepResult {
  expired: number;
  queued: number;
  preparing: number;
  ready: number;
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
 *
 * and expires every pending row past `expires_at` (`expired` + `message.failed`).
 * A duplicate job is harmless: every consumer step is a compare-and-set.
 */
export class Sweeper {
  private readonly options: SweeperOptions;
  private readonly loop: PollingLoop;

  constructor(options: SweeperOptions) {
    this.options = options;
    this.loop = new PollingLoop({
      name: 'sweeper',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: () => this.sweepOnce().then(() => false),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sweepOnce(): Promise<SweepResult> {
    const now = new Date(this.options.now?.() ?? Date.now());
    const expired = await this.expire(now);
    const result: SweepResult = { expired, queued: 0, preparing: 0, ready: 0 };
    for (const status of ['queued', 'preparing', 'ready'] as const) {
      const rows = await this.claim(status, now);
      result[status] = await this.redrive(status, rows);
    }
    if (result.expired + result.queued + result.preparing + result.ready > 0)
      this.options.logger.info('sweeper pass', { ...result });
    return result;
  }

  private async expire(now: Date): Promise<number> {
    const rows = await expireDue(this.options.db, now, this.options.batchSize);
    for (const row of rows) this.options.metrics.messagesFailed.inc({ wa_instance: row.name, reason: 'expired' });
    if (rows.length > 0) this.options.onEvents?.(rows.map((r) => r.event));
    return rows.length;
  }

  private async claim(status: RedriveStatus, now: Date): Promise<StaleRow[]> {
    const { db, batchSize, staleMs } = this.options;
    const staleBefore = new Date(now.getTime() - staleMs);
    let instanceIds = await instancesWithStale(db, status, staleBefore);
    // Rows still waiting in a queue look stale under a backlog: re-drive only from an empty queue.
    if (status === 'queued' && instanceIds.length > 0 && (await this.depth(queues.send)) > 0) instanceIds = [];
    if (status === 'ready') {
      const empty = await Promise.all(instanceIds.map(async (id) => (await this.depth(queues.outbox(id))) === 0));
      instanceIds = instanceIds.filter((_, i) => empty[i]);
    }
    return claimStale(db, { status, instanceIds, staleBefore, now, limit: batchSize });
  }

  private async redrive(status: RedriveStatus, rows: StaleRow[]): Promise<number> {
    const { broker, outbox, logger } = this.options;
    const results = await Promise.allSettled(
      rows.map((row) =>
        status === 'ready'
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
  private async depth(queue: string): Promise<number> {
    try {
      return await this.options.broker.depth(queue);
    } catch (err) {
      if ((err as { code?: string }).code === 'BROKER_NOT_FOUND') return 0;
      throw err;
    }
  }
}
