import { eventTypes } from '../contracts/events.ts';
import { createMetrics } from './catalog.ts';
import { messageFailureReasons } from './known-labels.ts';
import { createRegistry } from './registry.ts';

const scrape = async () => {
  const registry = createRegistry();
  const metrics = createMetrics(registry);
  return { metrics, registry, text: await registry.metrics() };
};

describe('metric catalog', () => {
  test('a fresh registry already exports 0 for every known value of a bounded label', async () => {
    const { text } = await scrape();
    for (const reason of messageFailureReasons)
      expect(text).toContain(`turbozap_messages_failed_total{reason="${reason}"} 0\n`);
    for (const outcome of ['delivered', 'retry', 'failed'])
      expect(text).toContain(`turbozap_webhook_deliveries_total{outcome="${outcome}"} 0\n`);
    for (const event of eventTypes) expect(text).toContain(`turbozap_events_published_total{event="${event}"} 0\n`);
    for (const table of ['events_outbox', 'webhook_deliveries'])
      expect(text).toContain(`turbozap_retention_pruned_rows_total{table="${table}"} 0\n`);
  });

  test('per-instance series are never pre-created: they appear on use, next to the zero series', async () => {
    const { metrics, registry, text } = await scrape();
    expect(text).not.toContain('wa_instance=');
    metrics.messagesFailed.inc({ wa_instance: 'sales', reason: 'expired' });
    const after = await registry.metrics();
    expect(after).toContain('turbozap_messages_failed_total{wa_instance="sales",reason="expired"} 1\n');
    expect(after).toContain('turbozap_messages_failed_total{reason="expired"} 0\n');
  });
});
