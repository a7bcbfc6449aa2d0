import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { ack, type Delivery, dead, type HandlerResult, retry } from '@turbozap/shared/broker/port';
import { parseJob } from '@turbozap/shared/contracts/queues';
import { type ClaimedRow, fencedMessagesRepo } from '@turbozap/shared/db/repositories/fenced-messages';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { finalStatuses, type MessageStatus } from '@turbozap/shared/db/schema';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import { exponentialDelay } from '@turbozap/shared/util/backoff';
import type { WASocket } from '@whiskeysockets/baileys';
import { instanceEvent } from '../events/event-sink.ts';
import type { InstanceScope } from '../instance-scope.ts';
import type { MessageWrites } from '../message-writes.ts';
import { Lru } from '../util/lru.ts';
import { TtlLruCache } from '../util/ttl-cache.ts';
import { ChatDrains, type Outcome, type PassResult } from './chat-drain.ts';
import { type ContentDeps, toBaileysContent } from './content-mapper.ts';
import { waMessageIdFor } from './message-id.ts';
import type { Pacer } from './pacer.ts';
import { keepSentPollSecret, withPollSecret } from './poll-secret.ts';
import { classifySendError } from './send-errors.ts';
import { SendPass, type SentRows } from './send-pass.ts';
import { noLinkPreview } from './url-media.ts';

export interface SenderOptions {
  scope: InstanceScope;
  /** The logged-in socket, or undefined while there is none. */
  socket: () => WASocket | undefined;
  pacer: Pacer;
  /** Stored media and messages, and media URLs fetched under the private-address guard. */
  content: ContentDeps;
  /** Claims and `sent` writes, group-committed with other instances' (MessageWrites). */
  writes: Pick<MessageWrites, 'claim' | 'markSent'>;
  metrics: Pick<Metrics, 'messagesSent' | 'messagesFailed'>;
  sendTyping: boolean;
  /** Transient failures before a message ends `failed`. */
  maxAttempts?: number;
  /** Messages of one chat claimed and sent per pass (1 while pacing or typing is on). */
  batch?: number;
  onActivity: (at: Date) => void;
}

/** Already on the wire or final: a redelivered job for it is acknowledged and dropped. */
const done: readonly MessageStatus[] = ['sent', 'delivered', ...finalStatuses];
/** Past its TTL: claims refuse it and the sweeper ends it, so its job has nothing left to do. */
const expired = (row: Pick<ClaimedRow, 'expires_at'>) =>
  row.expires_at !== null && row.expires_at.getTime() <= Date.now();
const MAX_TYPING_MS = 25_000;
const DEFAULT_BATCH = 16;
/** How long a job behind a message still being prepared waits in-process for the pass that sends it. */
const PASS_WAIT_MS = 2_000;

/**
 * Puts outbox jobs on the wire, per chat in acceptance order (ChatDrains): a pass claims the
 * chat's next ready messages in one fenced statement, sends them in order — one Signal-key commit
 * for the whole pass — and marks them `sent` with their `message.sent` events in one more. A
 * permanent error ends a message `failed` (+ `message.failed`) and the pass goes on; a transient
 * one stops the pass there, so nothing overtakes it.
 */
export class OutboundSender {
  readonly #o: SenderOptions;
  readonly #drains = new ChatDrains((chat) => this.#pass(chat));
  /**
   * Ids this instance sent lately: their jobs, often just behind the pass that sent them, are
   * acked without a read. Jobs in flight are at most the outbox prefetch plus a pass, so a few
   * dozen cover them (and 2,000 instances keep a few hundred KB, not hundreds of MB).
   */
  readonly #recentlySent = new Lru<string, true>(64);
  /**
   * The contact's LID (or that there is none yet) per chat, for the events: asking Baileys costs
   * a walk through its caches per message, and an answer a minute old is good enough for an event.
   * The chats sent to lately are enough (~10 KB per instance at most).
   */
  readonly #lids = new TtlLruCache(64, 60_000);
  readonly #batch: number;
  /** Aborted when consuming stops, so a pass waiting for pacing or typing stops at once. */
  #abort = new AbortController();

  constructor(options: SenderOptions) {
    this.#o = options;
    this.#batch = options.pacer.enabled || options.sendTyping ? 1 : (options.batch ?? DEFAULT_BATCH);
  }

  /** Consuming stops (socket closed, lease lost): passes stop and waiting jobs go back to the queue. */
  interrupt(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  async handle(delivery: Delivery): Promise<HandlerResult> {
    let messageId: string;
    let chat: string | undefined;
    try {
      const { payload } = parseJob('message.outbox', delivery.body);
      if (payload.instanceId !== this.#o.scope.instance.id) return dead('job for another instance');
      messageId = payload.messageId;
      chat = payload.chat;
    } catch {
      return dead('malformed message.outbox job');
    }
    try {
      if (this.#recentlySent.has(messageId)) return ack;
      if (!this.#o.socket()) return retry(2_000);
      // Jobs from older producers carry no chat: the row tells.
      chat ??= (await messagesRepo.get(this.#o.scope.db, messageId))?.remote_jid;
      if (!chat) return ack;
      return await this.#decide(chat, messageId, delivery.attempts, await this.#drains.request(chat, messageId));
    } finally {
      await yieldToLoop();
    }
  }

  async #decide(
    chat: string,
    messageId: string,
    attempts: number,
    outcome: Outcome,
    waited = false,
  ): Promise<HandlerResult> {
    switch (outcome.kind) {
      case 'sent':
      case 'failed':
        return ack;
      case 'stopped':
        return retry(1_000);
      case 'error': {
        if (attempts + 1 < (this.#o.maxAttempts ?? 8)) {
          this.#o.scope.log.warn('send failed, will retry', { message_id: messageId, reason: outcome.reason });
          return retry(exponentialDelay({ baseMs: 1_000, maxMs: 60_000 }, attempts));
        }
        const row = await messagesRepo.get(this.#o.scope.db, messageId);
        return row && (await this.#fail(row, 'send_failed').catch(() => false)) ? ack : retry(1_000);
      }
      case 'unclaimed': {
        const current = await messagesRepo.get(this.#o.scope.db, messageId);
        if (!current || done.includes(current.status) || expired(current)) return ack;
        if (current.instance_id !== this.#o.scope.instance.id) return dead('message of another instance');
        if (current.status === 'queued' || current.status === 'preparing') return retry(1_000);
        // Ready, behind an earlier message to its chat that is still being prepared: that one's
        // own job will send both. Wait here for that a little, then come back through the queue
        // in case it never does (it failed, say).
        if (!waited)
          return this.#decide(
            chat,
            messageId,
            attempts,
            await this.#drains.awaitPass(chat, messageId, PASS_WAIT_MS),
            true,
          );
        return retry(exponentialDelay({ baseMs: 250, maxMs: 4_000 }, attempts));
      }
    }
  }

  /** One pass over `chat`: claim its next ready messages, send them in order, record the outcome. */
  async #pass(chat: string): Promise<PassResult> {
    const { scope } = this.#o;
    const sock = this.#o.socket();
    const signal = this.#abort.signal;
    if (!sock || signal.aborted) return { outcomes: new Map(), stopped: true, full: false };
    let rows: ClaimedRow[];
    try {
      rows = await scope.writeOne((fence) => this.#o.writes.claim({ fence, chat, limit: this.#batch }));
    } catch (error) {
      if (!(error instanceof StaleFenceError)) scope.log.warn('claiming messages failed', { error });
      return { outcomes: new Map(), stopped: true, full: false };
    }
    if (rows.length === 0) return { outcomes: new Map(), stopped: false, full: false };
    const pass = new SendPass(scope.fence);
    try {
      // One Signal-key commit for the pass instead of one per message: sendMessage's own
      // transaction nests in it. Under Baileys' own key for sends (our id), so passes of
      // different chats still take turns, as Baileys' sends do: each may ratchet the sessions
      // with our other devices, and two at once would overwrite each other's.
      await sock.authState.keys.transaction(async () => {
        await this.#sendRows(sock, rows, signal, pass);
        await pass.rideOnKeys(sock.authState.keys);
      }, sock.authState.creds.me?.id ?? 'me');
    } catch (error) {
      // The keys' commit failed (lease lost, database): the messages are on the wire, but the
      // sessions they advanced are not stored; give the jobs back, their rows stay `sending`.
      if (!(error instanceof StaleFenceError)) scope.log.warn('storing signal keys failed', { error });
      return { outcomes: new Map(), stopped: true, full: false };
    }
    const recorded = await this.#record(pass, pass.close());
    return {
      outcomes: pass.outcomes,
      stopped: !recorded || pass.stopped,
      full: !pass.broke && rows.length === this.#batch,
    };
  }

  /**
   * Sends `rows` in order: a permanent error fails that message and the pass goes on; a
   * transient one, or consuming stopping, ends the pass there, so nothing overtakes it.
   */
  async #sendRows(sock: WASocket, rows: ClaimedRow[], signal: AbortSignal, pass: SendPass): Promise<void> {
    for (const row of rows) {
      if (signal.aborted || this.#o.socket() !== sock) {
        pass.stopped = pass.broke = true;
        return;
      }
      try {
        await this.#o.pacer.wait(signal);
        // Claimed in time, but its TTL ran out waiting for its turn: known not sent, so it ends
        // `failed` (reason `expired`) rather than go out late.
        if (expired(row)) {
          pass.failed.push({ row, reason: 'expired' });
          continue;
        }
        pass.sent.push({ row, event: await this.#sendOne(sock, row, signal) });
      } catch (error) {
        if (signal.aborted) {
          pass.stopped = pass.broke = true;
          return;
        }
        const failure = classifySendError(error);
        if (failure.permanent) {
          pass.failed.push({ row, reason: failure.reason });
          continue;
        }
        pass.outcomes.set(row.id, { kind: 'error', error, reason: failure.reason });
        pass.broke = true;
        return;
      }
    }
  }

  async #sendOne(sock: WASocket, row: ClaimedRow, signal: AbortSignal) {
    const { scope } = this.#o;
    const waId = row.wa_message_id ?? waMessageIdFor(row.id);
    const mapped = await toBaileysContent(row, this.#o.content);
    const { quoted } = mapped;
    const content = await withPollSecret(scope, row, waId, mapped.content);
    await this.#typing(sock, row, signal);
    const onWire = await sock.sendMessage(row.remote_jid, content, {
      messageId: waId,
      ...noLinkPreview,
      ...(quoted ? { quoted } : {}),
    });
    await keepSentPollSecret(scope, waId, content, onWire);
    const lid = await this.#lidOf(sock, row.remote_jid);
    return instanceEvent(
      scope.instance,
      'message.sent',
      { id: row.id, wa_message_id: waId, remote_jid: row.remote_jid, remote_lid: lid, type: row.type, status: 'sent' },
      waId,
    );
  }

  async #lidOf(sock: WASocket, jid: string): Promise<string | null> {
    const cached = this.#lids.get<string | null>(jid);
    if (cached !== undefined) return cached;
    const lid = await sock.signalRepository.lidMapping.getLIDForPN(jid).catch(() => null);
    this.#lids.set(jid, lid);
    return lid;
  }

  /**
   * Writes the pass's `sent` (one statement, unless its key commit already wrote it: `written`)
   * and its permanent failures; false when that failed.
   */
  async #record(pass: SendPass, written: SentRows | undefined): Promise<boolean> {
    const { scope } = this.#o;
    const { sent, failed, outcomes } = pass;
    try {
      if (sent.length > 0) {
        // One statement for the pass (or with other instances' passes: MessageWrites).
        await scope.writeOne(
          () =>
            Promise.all(
              written?.map((w) => (w instanceof Error ? Promise.reject(w) : w)) ??
                this.#o.writes.markSent(pass.sentItems()),
            ),
          (written) => sent.filter((_, i) => written[i] !== undefined).map(({ event }) => event),
        );
        for (const { row } of sent) {
          outcomes.set(row.id, { kind: 'sent' });
          this.#recentlySent.set(row.id, true);
          this.#o.metrics.messagesSent.inc({ wa_instance: scope.instance.name, type: row.type });
        }
        this.#o.onActivity(new Date());
      }
      for (const { row, reason } of failed) {
        await this.#fail(row, reason);
        outcomes.set(row.id, { kind: 'failed' });
      }
      return true;
    } catch (error) {
      if (!(error instanceof StaleFenceError)) scope.log.warn('recording sends failed', { error });
      return false;
    }
  }

  async #typing(sock: WASocket, row: ClaimedRow, signal: AbortSignal): Promise<void> {
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

  /** `failed` + `message.failed`; true when it was written. */
  async #fail(row: ClaimedRow, reason: string): Promise<boolean> {
    const { scope } = this.#o;
    const event = instanceEvent(
      scope.instance,
      'message.failed',
      {
        id: row.id,
        message_id: row.id,
        wa_message_id: row.wa_message_id,
        remote_jid: row.remote_jid,
        type: row.type,
        status: 'failed',
        reason,
      },
      row.id,
    );
    const failed = await scope.writeOne(
      (fence) => fencedMessagesRepo.transition(scope.db, fence, row.id, 'failed', { reason }, event),
      (updated) => (updated ? [event] : []),
    );
    if (failed) {
      this.#o.metrics.messagesFailed.inc({ wa_instance: scope.instance.name, reason });
      scope.log.warn('message failed', { message_id: row.id, reason });
    }
    return failed !== undefined;
  }
}
