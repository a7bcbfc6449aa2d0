import { queues } from '@turbozap/shared/contracts/queues';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { Component, Runtime } from '@turbozap/shared/runtime';

const watchedQueues = [queues.send, queues.webhooks];

/**
 * Cluster-wide gauges, set here and nowhere else, so every replica — whatever its role — reports
 * the same values the same way (alerts and dashboards read them with `max`):
 * turbozap_instances_expected from the desired state in the database, and
 * turbozap_queue_messages_pending{queue} from the broker's queue depths.
 */
export function createClusterGauges(runtime: Runtime, intervalMs = 15_000): Component {
  const { metrics, db, broker } = runtime;
  let timer: NodeJS.Timeout | undefined;
  const update = async () => {
    // A dependency being down is reported by /ready; the gauges keep their last values.
    await instancesRepo
      .countExpected(db)
      .then((n) => metrics.instancesExpected.set(n))
      .catch(() => {});
    for (const queue of watchedQueues) {
      await broker
        .depth(queue)
        .then((n) => metrics.queuePending.set({ queue }, n))
        .catch(() => {});
    }
  };
  return {
    name: 'cluster-gauges',
    async start() {
      await update();
      timer = setInterval(() => void update(), intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
