import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { ack, type Delivery, dead, type HandlerResult, retry } from '@turbozap/shared/broker/port';
import { parseJob } from '@turbozap/shared/contracts/queues';
import { fencedMessagesRepo } from '@turbozap/shared/db/repositories/fenced-messages';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { finalStatuses, type MessageRow, type MessageStatus } from '@turbozap/shared/db/schema';
import type { WASocket } from '@whiskeysockets/baileys';
import { instanceEvent } from '../events/event-sink.ts';
import type { InstanceScope } from '../instance-scope.ts';
import { Semaphore } from '../util/semaphore.ts';
import { ChatLines } from './chat-lines.ts';
import { type ContentDeps, toBaileysContent } from './content-mapper.ts';
import { waMessageIdFor } from './message-id.ts';
import type { Pacer } from './pacer.ts';
import { keepSentPollSecret, withPollSecret } from './poll-secret.ts';
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
/** How long a message waits in-process for an earlier one to its chat before going back to the queue. */
const GIVE_WAY_MS = 3_000;

/** Where a job stands in its chat: jobs from older producers carry neither, and only the database check orders them. */
interface Place {
  chat: string;
  seq: number;
}

/**
 * Puts one outbox job on the wire: pace, claim `sending` under the fence once every earlier
 * message to the same chat is on the wire, send with the id derived from ours, mark `sent` and
 * emit `message.sent` — or `failed` + `message.failed` for a permanent error. Each of those
 * writes is one fenced statement (fencedMessagesRepo). Jobs of one chat are ordered in-process by
 * acceptance order (ChatLines), so the database check for earlier messages rarely says "not yet".
 */
export class OutboundSender {
  readonly #o: SenderOptions;
  readonly #slots: Semaphore;
  /** Jobs handled here now, per chat by acceptance order: a message waits for the earlier ones. */
  readonly #lines = new ChatLines();
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
    let place: Place | undefined;
    try {
      const { payload } = parseJob('message.outbox', delivery.body);
      if (payload.instanceId !== this.#o.scope.instance.id) return dead('job for another instance');
      messageId = payload.messageId;
      if (payload.chat !== undefined && payload.seq !== undefined) place = { chat: payload.chat, seq: payload.seq };
    } catch {
      return dead('malformed message.outbox job');
    }
    const work = (async () => {
      if (place) await this.#lines.before(place.chat, place.seq);
      return this.#handleMessage(messageId, delivery.attempts, place);
    })();
    const leave = place ? this.#lines.enter(place.chat, place.seq, work) : undefined;
    try {
      return await work;
    } finally {
      leave?.();
      await yieldToLoop();
    }
  }

  async #handleMessage(messageId: string, attempts: number, place: Place | undefined): Promise<HandlerResult> {
    const { scope } = this.#o;
    if (!this.#o.socket()) return retry(2_000);
    const signal = this.#abort.signal;
    let row: MessageRow | undefined;
    try {
      await this.#o.pacer.wait(signal);
      const giveWayUntil = Date.now() + GIVE_WAY_MS;
      for (;;) {
        const claimed = await scope.writeOne((fence) =>
          fencedMessagesRepo.claimForSend(scope.ctx.db, fence, messageId, waMessageIdFor(messageId)),
        );
        if (claimed) {
          row = claimed;
          return await this.#send(claimed, signal);
        }
        const current = await messagesRepo.get(scope.ctx.db, messageId);
        if (!current || done.includes(current.status)) return ack;
        if (current.instance_id !== scope.instance.id) return dead('message of another instance');
        if (current.status === 'queued' || current.status === 'preparing') return retry(1_000);
        // Ready, but an earlier message to the same chat is not on the wire yet: it is still being
        // prepared, or its job has yet to arrive here. Wait for it a little, then give way.
        const left = giveWayUntil - Date.now();
        if (!place || left <= 0 || signal.aborted) return retry(Math.min(5_000, 250 * 2 ** Math.min(attempts, 4)));
        await this.#lines.changed(place.chat, left, signal);
        await this.#lines.before(place.chat, place.seq);
      }
    } catch (error) {
      if (error instanceof StaleFenceError || signal.aborted) return retry(1_000);
      const failure = classifySendError(error);
      if (row && (failure.permanent || attempts + 1 >= (this.#o.maxAttempts ?? 8))) {
        const failed = await this.#fail(row, failure.permanent ? failure.reason : 'send_failed').then(
          () => true,
          () => false,
        );
        return failed ? ack : retry(1_000);
      }
      scope.log.warn('send failed, will retry', { message_id: messageId, reason: failure.reason, error });
      return retry(Math.min(60_000, 1_000 * 2 ** attempts));
    }
  }

  async #send(claimed: MessageRow, signal: AbortSignal): Promise<HandlerResult> {
    const { scope } = this.#o;
    const waId = claimed.wa_message_id ?? waMessageIdFor(claimed.id);
    const mapped = await toBaileysContent(claimed, this.#o.content);
    const { quoted } = mapped;
    const content = await withPollSecret(scope, claimed, waId, mapped.content);
    const sock = this.#o.socket();
    if (!sock) return retry(2_000);
    await this.#typing(sock, claimed, signal);
    const onWire = await this.#slots.run(() =>
      sock.sendMessage(claimed.remote_jid, content, { messageId: waId, ...(quoted ? { quoted } : {}) }),
    );
    await keepSentPollSecret(scope, waId, content, onWire);
    const lid = await sock.signalRepository.lidMapping.getLIDForPN(claimed.remote_jid).catch(() => null);
    const event = instanceEvent(
      scope.instance,
      'message.sent',
      {
        id: claimed.id,
        wa_message_id: waId,
        remote_jid: claimed.remote_jid,
        remote_lid: lid,
        type: claimed.type,
        status: 'sent',
      },
      waId,
    );
    await scope.writeOne(
      (fence) => fencedMessagesRepo.markSent(scope.ctx.db, fence, claimed.id, waId, event),
      (sent) => (sent ? [event] : []),
    );
    scope.ctx.metrics.messagesSent.inc({ wa_instance: scope.instance.name, type: claimed.type });
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
    const event = instanceEvent(
      scope.instance,
      'message.failed',
      {
        id: row.id,
        wa_message_id: row.wa_message_id,
        remote_jid: row.remote_jid,
        type: row.type,
        status: 'failed',
        reason,
      },
      row.id,
    );
    const failed = await scope.writeOne(
      (fence) => fencedMessagesRepo.transition(scope.ctx.db, fence, row.id, 'failed', { reason }, event),
      (updated) => (updated ? [event] : []),
    );
    if (failed) {
      scope.ctx.metrics.messagesFailed.inc({ wa_instance: scope.instance.name, reason });
      scope.log.warn('message failed', { message_id: row.id, reason });
    }
  }
}
