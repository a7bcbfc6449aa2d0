import { countKeys, type MinuteTally, minuteTallies } from '@turbozap/shared/contracts/kv';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { prom } from '@turbozap/shared/metrics/registry';
import type { Component, Runtime } from '@turbozap/shared/runtime';

/** How long a minute's counts are kept: /cluster reads the last few. */
const keepMs = 15 * 60_000;

/** A counter's total over its series, or over those whose labels match. */
async function total(counter: prom.Counter<string>, match: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((v) => Object.entries(match).every(([label, value]) => v.labels[label] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Where each count comes from: the process's own Prometheus counters, so both always agree. */
const sources: Record<MinuteTally, (m: Metrics) => Promise<number>> = {
  messages_accepted: (m) => total(m.messagesAccepted),
  messages_sent: (m) => total(m.messagesSent),
  messages_received: (m) => total(m.messagesReceived),
  messages_failed: (m) => total(m.messagesFailed),
  webhooks_delivered: (m) => total(m.webhookDeliveries, { outcome: 'delivered' }),
  webhooks_failed: (m) => total(m.webhookDeliveries, { outcome: 'failed' }),
};

/**
 * Adds what this process counted since the last flush to the cluster's count of the current
 * minute (`countKeys.minute`), every `intervalMs` and once more at stop: one Redis round trip
 * per process per interval, whatever the traffic. Prometheus has the same counters per
 * replica; this is the cluster-wide sum for someone without it (GET /cluster, the console).
 * Counts that could not be added (Redis away) are added with the next flush.
 */
export function createClusterTally(runtime: Pick<Runtime, 'metrics' | 'coordination' | 'logger'>, intervalMs = 5_000) {
  const { metrics, coordination, logger } = runtime;
  const added = new Map<MinuteTally, number>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const flushNow = async () => {
    const now = new Map(await Promise.all(minuteTallies.map(async (k) => [k, await sources[k](metrics)] as const)));
    const deltas = Object.fromEntries(
      minuteTallies.map((k) => [k, (now.get(k) ?? 0) - (added.get(k) ?? 0)]).filter(([, n]) => Number(n) > 0),
    );
    if (Object.keys(deltas).length === 0) return;
    await coordination.addCounts(countKeys.minute(Math.floor(Date.now() / 60_000)), deltas, keepMs);
    for (const [k, n] of now) added.set(k, n);
  };
  const flush = () => {
    flushing = flushing.then(flushNow).catch((error: unknown) => {
      logger.debug('cluster tally not added yet', { error });
    });
    return flushing;
  };

  return {
    name: 'cluster-tally',
    flush,
    async start() {
      timer = setInterval(() => void flush(), intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await flush();
    },
  } satisfies Component & { flush(): Promise<void> };
}
