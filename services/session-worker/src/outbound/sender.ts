import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { ack, type Delivery, dead, type HandlerResult, retry } from '@turbozap/shared/broker/port';
import { parseJob } from '@turbozap/shared/contracts/queues';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { finalStatuses, type MessageRow, type MessageStatus } from '@turbozap/shared/db/schema';
import type { WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { Semaphore } from '../util/semaphore.ts';
import { type ContentDeps, toBaileysContent } from './content-mapper.ts';
import { earlierPendingInChat } from './earlier-pending.query.ts';
import { waMessageIdFor } from './message-id.ts';
import type { Pacer } from './pacer.ts';
import { classifySendError } from './send-errors.ts';

export interface SenderOptions {
  scope: InstanceScope;
  /** The logged-in socket, or undefined while there is none. */
  socket: () => WASocket | undefined;
  pacer: Pacer;
  content: ContentDeps;
  sendTyping: boolean;
  /** Concurrent sendMessage calls on this socket. */
  maxInFlight?: number;
  /** Transient failures before a message ends `failed`. */
  maxAttempts?: number;
  onActivity: (at: Date) => void;
}

/** Already on the wire or final: a redelivered job for it is acknowledged and dropped. */
const done: readonly MessageStatus[] = ['sent', 'delivered', ...finalStatuses];
const MAX_TYPING_MS = 25_000;

/**
 * Puts one outbox job on the wire: load the row, wait for earlier messages to the same chat,
 * pace, claim `sending` under the fence, send with the id derived from ours, mark `sent` and
 * emit `message.sent` — or `failed` + `message.failed` for a permanent error.
 */
export class OutboundSender {
  readonly #o: SenderOptions;
  readonly #slots: Semaphore;
  /** Messages being handled here now, so a later one to the same chat can wait for them in-process. */
  readonly #inFlight = new Map<string, Promise<unknown>>();
  /** Aborted when consuming stops, so handlers waiting for pacing or typing give their message back at once. */
  #abort = new AbortController();

  constructor(options: SenderOptions) {
    this.#o = options;
    this.#slots = new Semaphore(options.maxInFlight ?? 4);
  }

  /** Consuming stops (socket closed, lease lost): waiting handlers return their messages to the queue now. */
  interrupt(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  async handle(delivery: Delivery): Promise<HandlerResult> {
    let messageId: string;
    try {
      const job = parseJob('message.outbox', delivery.body);
      if (job.payload.instanceId !== this.#o.scope.instance.id) return dead('job for another instance');
      messageId = job.payload.messageId;
    } catch {
      return dead('malformed message.outbox job');
    }
    const work = this.#handleMessage(messageId, delivery.attempts);
    this.#inFlight.set(messageId, work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(messageId);
      await yieldToLoop();
    }
  }

  async #handleMessage(messageId: string, attempts: number): Promise<HandlerResult> {
    const { scope } = this.#o;
    const row = await messagesRepo.get(scope.ctx.db, messageId);
    if (!row || done.includes(row.status)) return ack;
    if (row.instance_id !== scope.instance.id) return dead('message of another instance');
    if (row.status === 'queued' || row.status === 'preparing') return retry(1_000);
    if (!(await this.#myTurn(row))) return retry(Math.min(5_000, 250 * 2 ** Math.min(attempts, 4)));
    if (!this.#o.socket()) return retry(2_000);
    const signal = this.#abort.signal;
    try {
      await this.#o.pacer.wait(signal);
      return await this.#send(row, signal);
    } catch (error) {
      if (error instanceof StaleFenceError || signal.aborted) return retry(1_000);
      const failure = classifySendError(error);
      if (failure.permanent || attempts + 1 >= (this.#o.maxAttempts ?? 8)) {
        const failed = await this.#fail(row, failure.permanent ? failure.reason : 'send_failed').then(
          () => true,
          () => false,
        );
        return failed ? ack : retry(1_000);
      }
      scope.log.warn('send failed, will retry', { message_id: row.id, reason: failure.reason, error });
      return retry(Math.min(60_000, 1_000 * 2 ** attempts));
    }
  }

  /** True when no earlier message to the same chat is still pending (waiting for ones handled here). */
  async #myTurn(row: MessageRow): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      const earlier = await earlierPendingInChat(this.#o.scope.ctx.db, row);
      if (!earlier) return true;
      const local = this.#inFlight.get(earlier.id);
      if (!local) return false;
      await local.catch(() => {});
    }
    return false;
  }

  async #send(row: MessageRow, signal: AbortSignal): Promise<HandlerResult> {
    const { scope } = this.#o;
    const waId = row.wa_message_id ?? waMessageIdFor(row.id);
    const claimed = await scope.write((trx) => messagesRepo.transition(trx, row.id, 'sending', { waMessageId: waId }));
    if (!claimed) return ack;
    const { content, quoted } = await toBaileysContent(claimed, this.#o.content);
    const sock = this.#o.socket();
    if (!sock) return retry(2_000);
    await this.#typing(sock, claimed, signal);
    await this.#slots.run(() =>
      sock.sendMessage(claimed.remote_jid, content, { messageId: waId, ...(quoted ? { quoted } : {}) }),
    );
    const lid = await sock.signalRepository.lidMapping.getLIDForPN(claimed.remote_jid).catch(() => null);
    await scope.write(async (trx, emit) => {
      await messagesRepo.transition(trx, row.id, 'sent', { waMessageId: waId });
      await emit(
        'message.sent',
        {
          id: row.id,
          wa_message_id: waId,
          remote_jid: claimed.remote_jid,
          remote_lid: lid,
          type: row.type,
          status: 'sent',
        },
        waId,
      );
    });
    scope.ctx.metrics.messagesSent.inc({ wa_instance: scope.instance.name, type: row.type });
    this.#o.onActivity(new Date());
    return ack;
  }

  async #typing(sock: WASocket, row: MessageRow, signal: AbortSignal): Promise<void> {
    const asked = row.content['delay_ms'];
    const text = typeof row.content['text'] === 'string' ? (row.content['text'] as string) : '';
    const ms =
      typeof asked === 'number' && asked > 0
        ? Math.min(asked, MAX_TYPING_MS)
        : this.#o.sendTyping
          ? Math.min(3_000, Math.max(500, text.length * 40))
          : 0;
    if (ms === 0) return;
    await sock.sendPresenceUpdate('composing', row.remote_jid).catch(() => {});
    await sleep(ms, undefined, { signal });
    await sock.sendPresenceUpdate('paused', row.remote_jid).catch(() => {});
  }

  async #fail(row: MessageRow, reason: string): Promise<void> {
    const { scope } = this.#o;
    const failed = await scope.write(async (trx, emit) => {
      const updated = await messagesRepo.transition(trx, row.id, 'failed', { reason });
      if (updated) {
        await emit(
          'message.failed',
          {
            id: row.id,
            wa_message_id: updated.wa_message_id,
            remote_jid: row.remote_jid,
            type: row.type,
            status: 'failed',
            reason,
          },
          row.id,
        );
      }
      return updated;
    });
    if (failed) {
      scope.ctx.metrics.messagesFailed.inc({ wa_instance: scope.instance.name, reason });
      scope.log.warn('message failed', { message_id: row.id, reason });
    }
  }
}
