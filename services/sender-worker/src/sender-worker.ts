import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { channels } from '@turbozap/shared/contracts/kv';
import { EventPublisher } from '@turbozap/shared/events/event-publisher';
import { EventsRelay } from '@turbozap/shared/events/events-relay';
import { createSafeAgent } from '@turbozap/shared/net';
import type { Component, ServiceRuntime } from '@turbozap/shared/runtime';
import { InstanceNames } from './instance-names.ts';
import { resolveSettings, type SenderWorkerOptions } from './options.ts';
import { MessageRelay } from './relay/message-relay.ts';
import { Pruner } from './retention/pruner.ts';
import { LinkPreviewer } from './send/link-preview.ts';
import { MediaPreparer } from './send/media.ts';
import { OutboxPublisher } from './send/outbox.ts';
import { SendConsumer } from './send/send-consumer.ts';
import { Sweeper } from './send/sweeper.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import { WebhookEventConsumer } from './webhooks/event-consumer.ts';
import { WEBHOOK_MEDIA_BASE64_MAX_BYTES } from './webhooks/media-attachment.ts';

export type { SenderWorkerOptions } from './options.ts';

/**
 * The sender-worker role: drains the send queue (claim, media, hand-off to the instance's
 * outbox), relays unpublished messages and outbox events, sweeps stale rows, delivers
 * webhooks, and prunes published events and settled deliveries past their retention. Every part is safe to run in several replicas at once.
 */
export function createSenderWorker(runtime: ServiceRuntime<'sender'>, options: SenderWorkerOptions = {}): Component {
  const settings = resolveSettings(options);
  const { config, db, broker, blobs, metrics } = runtime;
  const logger = runtime.logger.child({ component: 'sender-worker' });
  const { now, random, resolve } = settings;
  const instances = new InstanceNames(db);
  const outbox = new OutboxPublisher(broker);
  const mediaAgent = createSafeAgent({ allowPrivate: config.media.allowPrivateTargets, connectionsPerOrigin: 4 });
  const webhookAgent = createSafeAgent({ allowPrivate: config.webhook.allowPrivateTargets });

  // Events leave right after their commit; the relay takes over what is still unpublished after its grace.
  const events = new EventPublisher({ db, broker, logger, metrics });
  const eventsRelay = new EventsRelay({ db, broker, logger, metrics, ...settings.eventsRelay });
  const onEvents = (envelopes: readonly EventEnvelope[]) => events.publish(envelopes);
  const media = new MediaPreparer({
    blobs,
    agent: mediaAgent,
    maxBytes: config.media.maxBytes,
    allowPrivate: config.media.allowPrivateTargets,
    timeoutMs: settings.send.mediaTimeoutMs,
    resolve,
  });
  const previews = new LinkPreviewer({
    agent: mediaAgent,
    allowPrivate: config.media.allowPrivateTargets,
    maxBytes: config.media.maxBytes,
    logger,
    resolve,
  });
  const sendConsumer = new SendConsumer({
    db,
    broker,
    logger,
    metrics,
    instances,
    media,
    previews,
    outbox,
    onEvents,
    workerCount: config.workerCount,
    maxAttempts: settings.send.maxAttempts,
    backoff: settings.send.backoff,
    now,
    random,
  });
  const messageRelay = new MessageRelay({ db, broker, logger, now, ...settings.messageRelay });
  const sweeper = new Sweeper({ db, broker, logger, metrics, outbox, now, onEvents, ...settings.sweeper });
  const pruner = new Pruner({ db, logger, metrics, ...config.retention, ...settings.pruner });
  const dispatcher = new WebhookDispatcher({
    db,
    logger,
    metrics,
    agent: webhookAgent,
    allowPrivate: config.webhook.allowPrivateTargets,
    resolve,
    timeoutMs: config.webhook.timeoutMs,
    media: { blobs, maxBytes: WEBHOOK_MEDIA_BASE64_MAX_BYTES },
    retry: { retryCount: config.webhook.retryCount, backoff: settings.webhooks.backoff },
    concurrency: settings.webhooks.concurrency,
    pollIntervalMs: settings.webhooks.pollIntervalMs,
    lockMs: config.webhook.timeoutMs * 2 + 30_000,
    now,
    random,
  });
  const webhookEvents = new WebhookEventConsumer({
    db,
    broker,
    logger,
    prefetch: settings.webhooks.eventPrefetch,
    backoff: settings.webhooks.consumerBackoff,
    onDelivery: () => dispatcher.poke(),
  });

  let unsubscribe: (() => Promise<void>) | undefined;
  let started = false;
  const stop = async () => {
    started = false;
    await unsubscribe?.().catch(() => {});
    // Consumers first (in-flight jobs finish or go back to the queue), then the loops; the
    // events relay last, so events written while stopping still leave.
    await Promise.allSettled([sendConsumer.stop(), webhookEvents.stop()]);
    await Promise.allSettled([messageRelay.stop(), sweeper.stop(), pruner.stop(), dispatcher.stop()]);
    await eventsRelay.stop();
    await events.close();
    await Promise.allSettled([mediaAgent.close(), webhookAgent.close()]);
  };
  return {
    name: 'sender-worker',
    async start() {
      try {
        await eventsRelay.start();
        // A webhook set a moment ago gets the very next event (see channels.webhooks).
        unsubscribe = await runtime.coordination.subscribe(channels.webhooks, (instanceId) =>
          webhookEvents.forget(instanceId),
        );
        dispatcher.start();
        await webhookEvents.start();
        await sendConsumer.start();
        await messageRelay.start();
        sweeper.start();
        pruner.start();
      } catch (err) {
        await stop();
        throw err;
      }
      started = true;
      logger.info('sender-worker started', { workerCount: config.workerCount });
    },
    async stop() {
      await stop();
      logger.info('sender-worker stopped');
    },
    async readiness() {
      return { sender_worker: started };
    },
  };
}
