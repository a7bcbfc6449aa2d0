import type { Broker } from '@turbozap/shared/broker/port';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import { PollingLoop } from './loop.ts';

/**
 * `turbozap_queue_messages_pending{queue}`: the broker's ready count per queue, polled. Every
 * replica reports the same cluster-wide value, so dashboards read it with `max`.
 */
export class QueueDepthMonitor {
  private readonly loop: PollingLoop;
  private readonly broker: Broker;
  private readonly metrics: Metrics;
  private readonly queueNames: readonly string[];

  constructor(options: {
    broker: Broker;
    metrics: Metrics;
    logger: Logger;
    queues: readonly string[];
    intervalMs: number;
  }) {
    this.broker = options.broker;
    this.metrics = options.metrics;
    this.queueNames = options.queues;
    this.loop = new PollingLoop({
      name: 'queue depth',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: () => this.sampleOnce().then(() => false),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sampleOnce(): Promise<void> {
    const depths = await Promise.allSettled(this.queueNames.map((queue) => this.broker.depth(queue)));
    depths.forEach((result, i) => {
      const queue = this.queueNames[i] as string;
      if (result.status === 'fulfilled') this.metrics.queuePending.set({ queue }, result.value);
    });
    const failed = depths.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
