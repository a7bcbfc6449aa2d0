import type { Broker, Consumer, Delivery, HandlerResult } from '@turbozap/shared/broker/port';
import { ack, dead, retry } from '@turbozap/shared/broker/port';
import { exchanges, queues } from '@turbozap/shared/contracts/queues';
import {
  insertDeliveries,
  insertDelivery,
  type NewDelivery,
} from '@turbozap/shared/db/repositories/webhook-deliveries';
import { getWebhook } from '@turbozap/shared/db/repositories/webhooks';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Runtime } from '@turbozap/shared/runtime';
import { type BackoffPolicy, jitteredDelay } from '@turbozap/shared/util/backoff';
import { GroupCommit } from '@turbozap/shared/util/group-commit';
import { z } from 'zod';

/** Only what routing needs: unknown event types and extra fields pass through to receivers. */
const routable = z.looseObject({
  id: z.string().min(1).max(200),
  event: z.string().min(1).max(100),
  instance: z.looseObject({ id: z.uuid() }),
});

export interface WebhookEventConsumerOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  /** Events in flight at once; they are written in batches of up to this many rows. */
  prefetch: number;
  backoff: BackoffPolicy;
  /** A delivery row was created: deliver soon. */
  onDelivery: () => void;
  /** How long an instance's webhook configuration is reused between events (default 1 s). */
  configTtlMs?: number;
  now?: () => number;
}

type WebhookConfig = Awaited<ReturnType<typeof getWebhook>>;

/** Every event needs its instance's webhook; under load that read was one query per event. */
const DEFAULT_CONFIG_TTL_MS = 1_000;

export const matchesWebhook = (webhook: { enabled: boolean; events: string[] }, event: string): boolean =>
  webhook.enabled && (webhook.events.length === 0 || webhook.events.includes(event));

/**
 * Consumes `turbozap.webhooks` (bound to every event) and writes one delivery row per event
 * for the instance's webhook when it is enabled and subscribed. The row is unique on
 * (event_id, webhook_id), so a redelivered event creates nothing new. Rows of events consumed
 * together are written in one statement; each event is acknowledged once its row is committed.
 */
export class WebhookEventConsumer {
  readonly #options: WebhookEventConsumerOptions;
  #consumer: Consumer | null = null;
  /** Per instance: its webhook (or none) as read at `at`. A change applies within the TTL. */
  readonly #configs = new Map<string, { webhook: Promise<WebhookConfig>; at: number }>();
  readonly #rows: GroupCommit<NewDelivery, boolean>;

  constructor(options: WebhookEventConsumerOptions) {
    this.#options = options;
    this.#rows = new GroupCommit(
      async (batch) => {
        const created = new Set(
          (await insertDeliveries(options.db, batch)).map((r) => `${r.event_id}\0${r.webhook_id}`),
        );
        return batch.map((d) => created.has(`${d.eventId}\0${d.webhookId}`));
      },
      {
        maxBatch: Math.max(1, options.prefetch),
        single: async (d) => (await insertDelivery(options.db, d)) !== undefined,
      },
    );
  }

  async start(): Promise<void> {
    const { broker } = this.#options;
    await broker.assertTopicExchange(exchanges.events);
    await broker.assertQueue(queues.webhooks);
    await broker.bindQueue(queues.webhooks, exchanges.events, '#');
    this.#consumer = await broker.consume(queues.webhooks, (d) => this.handle(d), { prefetch: this.#options.prefetch });
  }

  async stop(): Promise<void> {
    await this.#consumer?.cancel();
    this.#consumer = null;
  }

  async handle(delivery: Delivery): Promise<HandlerResult> {
    let envelope: z.infer<typeof routable>;
    try {
      envelope = routable.parse(JSON.parse(delivery.body.toString('utf8')));
    } catch {
      return dead('malformed event envelope');
    }
    try {
      const webhook = await this.#webhookOf(envelope.instance.id);
      if (!webhook || !matchesWebhook(webhook, envelope.event)) return ack;
      const created = await this.#rows.submit({
        eventId: envelope.id,
        webhookId: webhook.id,
        instanceId: envelope.instance.id,
        event: envelope.event,
        payload: envelope,
      });
      if (created) this.#options.onDelivery();
      return ack;
    } catch (err) {
      const delayMs = jitteredDelay(this.#options.backoff, delivery.attempts);
      this.#options.logger.warn('recording a webhook delivery failed, will retry', {
        eventId: envelope.id,
        err,
        delayMs,
      });
      return retry(delayMs);
    }
  }

  /** An instance's webhook changed (channels.webhooks): the next event reads it afresh. */
  forget(instanceId: string): void {
    this.#configs.delete(instanceId);
  }

  /**
   * The cached read is shared: a burst of events of one instance reads its webhook once, and
   * "no webhook" is cached too — a change is announced (forget) and otherwise applies within the
   * TTL. Without that, an instance with no webhook would cost a query per event: under load,
   * more than the sends themselves (docs/PERFORMANCE.md).
   */
  #webhookOf(instanceId: string): Promise<WebhookConfig> {
    const now = this.#options.now?.() ?? Date.now();
    const ttl = this.#options.configTtlMs ?? DEFAULT_CONFIG_TTL_MS;
    const cached = this.#configs.get(instanceId);
    if (cached && now - cached.at < ttl) return cached.webhook;
    if (this.#configs.size >= 10_000) {
      for (const [id, entry] of this.#configs) if (now - entry.at >= ttl) this.#configs.delete(id);
    }
    const webhook = getWebhook(this.#options.db, instanceId);
    const entry = { webhook, at: now };
    this.#configs.set(instanceId, entry);
    // A failed read is not kept.
    webhook.catch(() => {
      if (this.#configs.get(instanceId) === entry) this.#configs.delete(instanceId);
    });
    return webhook;
  }
}
