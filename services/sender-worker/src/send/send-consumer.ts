import type { Broker, Consumer, Delivery, HandlerResult } from '@turbozap/shared/broker/port';
import { ack, dead, retry } from '@turbozap/shared/broker/port';
import { parseJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { MessageRow } from '@turbozap/shared/db/schema';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import type { Logger } from '@turbozap/shared/logging/logger';
import { type BackoffPolicy, jitteredDelay } from '@turbozap/shared/util/backoff';
import PQueue from 'p-queue';
import { RetryableError } from './errors.ts';
import { type FinalizeDeps, finalizeMessage } from './finalize.ts';
import type { LinkPreviewer } from './link-preview.ts';
import type { MediaPreparer } from './media.ts';
import type { OutboxPublisher } from './outbox.ts';

/** Set on send jobs re-published by the sweeper for a row stuck in `preparing`: resume it. */
export const REDRIVE_HEADER = 'turbozap-redrive';

export interface SendConsumerOptions extends FinalizeDeps {
  broker: Broker;
  logger: Logger;
  media: MediaPreparer;
  previews: LinkPreviewer;
  outbox: OutboxPublisher;
  /** RABBITMQ_WORKER_COUNT: jobs worked on at once. */
  workerCount: number;
  /** Deliveries of one job before a transient failure becomes final. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  now?: () => number;
  random?: () => number;
}

const recipient = /^[0-9A-Za-z.:_-]+@(s\.whatsapp\.net|g\.us|lid|broadcast|newsletter)$/;

type Stage = 'prepare' | 'hand-off';

/**
 * Jobs the broker hands over per job worked on. A job's work is two round trips (the row, then
 * the hand-off's publish confirm); with nothing fetched ahead, every job that ends costs a third
 * one (ack, then the broker's next delivery) before its slot works again, and that alone caps
 * the end-to-end rate (docs/PERFORMANCE.md, "The sender-worker fetches ahead").
 */
const FETCH_AHEAD = 4;

/** The API validated it; a row written some other way (an older version, by hand) is checked again. */
function assertRecipient(row: MessageRow): void {
  if (!recipient.test(row.remote_jid)) throw new PermanentError('invalid_recipient', 'not a WhatsApp JID');
}

/**
 * Drains `whatsapp.send.messages`: claims each row (`queued → preparing`, or straight to
 * `ready` when it has no media and has not expired; compare-and-set, so a duplicate job is a no-op),
 * prepares its media, marks it `ready` and hands it to the instance's outbox. A redelivered job (crash, retry, sweeper) resumes a row left in
 * `preparing` and re-sends the outbox job of a row left `ready`.
 */
export class SendConsumer {
  readonly #options: SendConsumerOptions;
  #consumer: Consumer | null = null;

  constructor(options: SendConsumerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    await this.#options.broker.assertQueue(queues.send);
    // Jobs fetched ahead wait here for a slot, unacknowledged: a crash hands them all back.
    const slots = new PQueue({ concurrency: this.#options.workerCount });
    this.#consumer = await this.#options.broker.consume(queues.send, (d) => slots.add(() => this.handle(d)), {
      prefetch: this.#options.workerCount * FETCH_AHEAD,
    });
  }

  async stop(): Promise<void> {
    await this.#consumer?.cancel();
    this.#consumer = null;
  }

  async handle(delivery: Delivery): Promise<HandlerResult> {
    let messageId: string;
    try {
      messageId = parseJob('message.send', delivery.body).payload.messageId;
    } catch {
      return dead('malformed message.send job');
    }
    const resume = delivery.attempts > 0 || delivery.redelivered || delivery.headers[REDRIVE_HEADER] !== undefined;
    let stage: Stage = 'prepare';
    let row: MessageRow | undefined;
    try {
      row = await this.#claim(messageId, resume);
      if (!row) return ack;
      if (row.status === 'ready') {
        stage = 'hand-off';
        assertRecipient(row);
        await this.#options.outbox.publish(row);
        return ack;
      }
      const ready = await this.#prepare(row);
      if (!ready) return ack;
      stage = 'hand-off';
      await this.#options.outbox.publish(ready);
      return ack;
    } catch (err) {
      return this.#failed(err, row, stage, delivery);
    }
  }

  /** The row to work on, or undefined when another delivery owns it or it has moved on. */
  async #claim(messageId: string, resume: boolean): Promise<MessageRow | undefined> {
    const claimed = await messagesRepo.claimQueued(this.#options.db, messageId);
    if (claimed || !resume) return claimed;
    const row = await messagesRepo.get(this.#options.db, messageId);
    return row?.status === 'preparing' || row?.status === 'ready' ? row : undefined;
  }

  /** Media and checks, then `ready`. Undefined when the row ended otherwise meanwhile. */
  async #prepare(row: MessageRow): Promise<MessageRow | undefined> {
    const now = this.#options.now?.() ?? Date.now();
    if (row.expires_at && row.expires_at.getTime() <= now) {
      await finalizeMessage(this.#options, row, 'expired', 'expired');
      return undefined;
    }
    assertRecipient(row);
    // The stored media replaces the base64 in the row: nothing reads the row's copy again.
    const media = await this.#options.media.prepare(row);
    if (media) return messagesRepo.transition(this.#options.db, row.id, 'ready', { media });
    const preview = await this.#preview(row);
    return messagesRepo.transition(this.#options.db, row.id, 'ready', preview ? { preview } : {});
  }

  /** A text's link preview, unless it asked for none (content contract: `link_preview`). */
  #preview(row: MessageRow) {
    const { text, link_preview: wanted } = row.content;
    if (row.type !== 'text' || wanted === false || typeof text !== 'string') return undefined;
    return this.#options.previews.of(text);
  }

  async #failed(err: unknown, row: MessageRow | undefined, stage: Stage, delivery: Delivery): Promise<HandlerResult> {
    const { logger, maxAttempts, backoff } = this.#options;
    const attempt = delivery.attempts + 1;
    const log = { messageId: row?.id, instanceId: row?.instance_id, stage, attempt, err };
    const delay = jitteredDelay(backoff, attempt - 1, this.#options.random);
    try {
      if (row && err instanceof PermanentError) {
        logger.info('message failed permanently', { ...log, reason: err.reason });
        await finalizeMessage(this.#options, row, 'failed', err.reason);
        return ack;
      }
      if (attempt < maxAttempts) {
        logger.warn('send job failed, will retry', { ...log, delayMs: delay });
        return retry(delay);
      }
      // A `ready` row whose hand-off keeps failing stays ready: the sweeper re-drives it.
      if (row && stage === 'prepare') {
        const reason = err instanceof RetryableError ? err.reason : 'prepare_failed';
        logger.warn('send job out of retries', { ...log, reason });
        await finalizeMessage(this.#options, row, 'failed', reason);
      }
      return ack;
    } catch (finalizeErr) {
      logger.warn('recording a send failure failed, will retry', { ...log, finalizeErr });
      return retry(delay);
    }
  }
}
