import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { Component, Runtime } from '@turbozap/shared/runtime';

/**
 * Cluster-wide gauges every replica reports (alerts read them with `max`):
 * turbozap_instances_expected, from the desired state in the database.
 */
export function createClusterGauges(runtime: Runtime, intervalMs = 15_000): Component {
  let timer: NodeJS.Timeout | undefined;
  const update = async () => {
    try {
      runtime.metrics.instancesExpected.set(await instancesRepo.countExpected(runtime.db));
    } catch {
      // The database being down is reported by /ready; the gauge keeps its last value.
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
