import { countKeys } from '@turbozap/shared/contracts/kv';
import { MemoryCoordination } from '@turbozap/shared/coordination';
import { createLogger } from '@turbozap/shared/logging/logger';
import { createMetrics } from '@turbozap/shared/metrics/catalog';
import { createRegistry } from '@turbozap/shared/metrics/registry';
import { createClusterTally } from './cluster-tally.ts';

/** Fails its first `failures` adds, like a Redis that is away. */
class FlakyCoordination extends MemoryCoordination {
  failures = 0;
  override async addCounts(key: string, counts: Readonly<Record<string, number>>, ttl: number): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('redis away');
    }
    return super.addCounts(key, counts, ttl);
  }
}

const setup = () => {
  const metrics = createMetrics(createRegistry());
  const coordination = new FlakyCoordination();
  const tally = createClusterTally({
    metrics,
    coordination,
    logger: createLogger({ level: 'error', service: 'test' }),
  });
  /** This minute's counts and the last one's, summed: a flush may land just before the minute turns. */
  const counted = async () => {
    const minute = Math.floor(Date.now() / 60_000);
    const [last, now] = await coordination.readCounts([countKeys.minute(minute - 1), countKeys.minute(minute)]);
    const sum: Record<string, number> = { ...last };
    for (const [k, n] of Object.entries(now ?? {})) sum[k] = (sum[k] ?? 0) + n;
    return sum;
  };
  return { metrics, coordination, tally, counted };
};

describe("the cluster's per-minute counts", () => {
  test("each flush adds what the process's counters gained since the last one, nothing when they did not move", async () => {
    const { metrics, tally, counted } = setup();
    metrics.messagesSent.inc({ wa_instance: 'a', type: 'text' }, 3);
    metrics.messagesSent.inc({ wa_instance: 'b', type: 'image' });
    metrics.messagesReceived.inc({ wa_instance: 'a', type: 'text' }, 2);
    metrics.webhookDeliveries.inc({ wa_instance: 'a', outcome: 'delivered' }, 5);
    metrics.webhookDeliveries.inc({ wa_instance: 'a', outcome: 'retry' }, 7); // a retry is not an outcome yet
    metrics.webhookDeliveries.inc({ wa_instance: 'a', outcome: 'failed' });
    await tally.flush();
    expect(await counted()).toEqual({
      messages_sent: 4,
      messages_received: 2,
      webhooks_delivered: 5,
      webhooks_failed: 1,
    });

    metrics.messagesSent.inc({ wa_instance: 'a', type: 'text' });
    metrics.messagesAccepted.inc({ wa_instance: 'a', type: 'text' }, 2);
    await tally.flush();
    await tally.flush();
    expect(await counted()).toEqual({
      messages_accepted: 2,
      messages_sent: 5,
      messages_received: 2,
      webhooks_delivered: 5,
      webhooks_failed: 1,
    });
  });

  test('what could not be added (Redis away) is added by the next flush, once; stop flushes the rest', async () => {
    const { metrics, coordination, tally, counted } = setup();
    coordination.failures = 2;
    metrics.messagesFailed.inc({ wa_instance: 'a', reason: 'invalid_content' });
    await tally.flush();
    metrics.messagesFailed.inc({ wa_instance: 'a', reason: 'invalid_content' });
    await tally.flush();
    expect(await counted()).toEqual({});
    await tally.flush();
    expect(await counted()).toEqual({ messages_failed: 2 });
    metrics.messagesReceived.inc({ wa_instance: 'a', type: 'text' });
    await tally.stop();
    expect(await counted()).toEqual({ messages_failed: 2, messages_received: 1 });
  });
});
