import type { InboundOrigin } from '@turbozap/shared/contracts/event-data';
import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import { whileUnavailable } from '@turbozap/shared/util/while-unavailable';
import {
  type BaileysEventMap,
  isJidGroup,
  isJidStatusBroadcast,
  type WAMessage,
  type WAMessageKey,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import type { MessageWrites } from '../message-writes.ts';
import { Lru } from '../util/lru.ts';
import { mayChange } from './author-check.ts';
import { AutoReads } from './auto-reads.ts';
import { CallRejector, type CallRejectorPorts } from './call-rejector.ts';
import { type JidPair, jidPair, preferredJid } from './jids.ts';
import { type InboundMediaOptions, storeInboundMedia } from './media-store.ts';
import { type InboundMeaning, mapInbound } from './message-mapper.ts';
import { NotificationEvents } from './notifications.ts';
import { PollVotes } from './poll-votes.ts';
import type { ReadPause } from './read-pause.ts';
import { applyReceipts, type ReceiptIn, receiptStatus } from './receipts.ts';

type Events = Partial<BaileysEventMap>;

/** What the handler is built from, besides its instance's scope. */
export interface InboundPorts {
  /** Receipts are group-committed with other instances' (MessageWrites). */
  writes: Pick<MessageWrites, 'ack'>;
  metrics: Pick<Metrics, 'inboundDropped' | 'messagesReceived'>;
  /** Where received media goes; the handler adds the instance and its logger. */
  media: Omit<InboundMediaOptions, 'instanceId' | 'logger'>;
  /** A message was stored (the activity tracker). */
  onActivity: (at: Date) => void;
  /** The instance's socket stops being read while a write here waits for the database. */
  pause: ReadPause;
  /** The instance's settings now (ignore_groups, auto_read_messages, read_status, reject_calls). */
  settings: () => InstanceSettings;
  /** The text for a caller whose call `reject_calls` rejected. */
  callReply: CallRejectorPorts['reply'];
}

/** Messages handled before their receipt, remembered so their `messages.upsert` is not handled twice. */
const RECEIVED_REMEMBERED = 2_000;
const messageRef = (key: WAMessageKey) => `${key.remoteJid}|${key.id}`;

/**
 * Everything that arrives on a socket. Messages others send us are stored (with their event, in
 * one transaction) before WhatsApp gets their receipt (`receive`); the rest arrives in arrival
 * order as Baileys events: receipts (from `messages.update` and the ones Baileys merges into
 * `messages.upsert`), messages from our own other devices, group / presence updates and calls.
 */
export class InboundHandler {
  readonly #scope: InstanceScope;
  readonly #ports: InboundPorts;
  readonly #notifications: NotificationEvents;
  readonly #polls: PollVotes;
  readonly #calls: CallRejector;
  readonly #reads: AutoReads;
  #chain: Promise<void> = Promise.resolve();
  readonly #received = new Lru<string, true>(RECEIVED_REMEMBERED);

  constructor(scope: InstanceScope, ports: InboundPorts) {
    this.#scope = scope;
    this.#ports = ports;
    this.#notifications = new NotificationEvents(scope);
    this.#polls = new PollVotes(scope);
    this.#reads = new AutoReads(scope);
    this.#calls = new CallRejector(scope, { settings: ports.settings, reply: ports.callReply });
  }

  attach(sock: WASocket): void {
    sock.ev.process((events) => {
      this.#chain = this.#chain
        .then(() => this.#handle(sock, events))
        .catch((error) => {
          this.#scope.log.error('inbound event handling failed', { error });
        });
    });
  }

  /**
   * Called by Baileys after a message decrypts and before its receipt: resolves once the message
   * is stored (or ignored). A database outage is waited out for as long as the instance is ours;
   * a rejection (no longer ours) leaves the message with WhatsApp, which redelivers it to
   * whoever logs in next. A message that cannot be stored for a reason of its own is counted in
   * `turbozap_inbound_dropped_total` and let go, so it cannot wedge the socket.
   */
  async receive(sock: WASocket, msg: WAMessage): Promise<void> {
    if (msg.key.fromMe) return; // our own sends, from another device: the upsert path
    const scope = this.#scope;
    try {
      await this.#whileOurs('a received message', () => this.#message(sock, msg, []));
    } catch (error) {
      if (error instanceof StaleFenceError || scope.ended.aborted) throw error;
      this.#ports.metrics.inboundDropped.inc({ wa_instance: scope.instance.name, reason: 'unprocessable' });
      scope.log.error('a received message could not be stored: dropped', { wa_message_id: msg.key.id, error });
    }
    this.#received.set(messageRef(msg.key), true);
  }

  /**
   * Whether a message is stored, for a copy WhatsApp delivers again whose Signal key was used
   * already: one handled here (stored, or ignored on purpose) is; one that was decrypted and
   * then lost to a crash before its commit is not, and its sender is asked to send it again.
   */
  async isStored(key: WAMessageKey): Promise<boolean> {
    if (this.#received.has(messageRef(key))) return true;
    const { db } = this.#scope;
    const row = await whileUnavailable(() => messagesRepo.getByWaId(db, this.#scope.instance.id, key.id ?? ''), {
      signal: this.#scope.ended,
    });
    return row !== undefined;
  }

  /** Resolves once everything received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #handle(sock: WASocket, events: Events): Promise<void> {
    // The batch's receipts are applied together, in one statement, after its messages.
    const receipts: ReceiptIn[] = [];
    const upsert = events['messages.upsert'];
    for (const msg of upsert?.messages ?? []) {
      // Handled by `receive` already: a vote or a revoke has no row for #store's lookup to find.
      if (this.#received.has(messageRef(msg.key))) continue;
      await this.#guard(() => this.#whileOurs('a message', () => this.#message(sock, msg, receipts)));
    }
    for (const { key, update } of events['messages.update'] ?? []) {
      const to = receiptStatus(update.status);
      if (to && key.fromMe && key.id)
        receipts.push({ waMessageId: key.id, to, remote: jidPair(key.remoteJid, key.remoteJidAlt) });
    }
    for (const { key, receipt } of events['message-receipt.update'] ?? []) {
      const to =
        receipt.readTimestamp || receipt.playedTimestamp ? 'read' : receipt.receiptTimestamp ? 'delivered' : undefined;
      if (to && key.fromMe && key.id) receipts.push({ waMessageId: key.id, to, remote: jidPair(receipt.userJid) });
    }
    if (receipts.length > 0)
      await this.#guard(() =>
        this.#whileOurs('receipts', () => applyReceipts(this.#scope, this.#ports.writes, receipts)),
      );
    if (events['presence.update']) await this.#guard(() => this.#notifications.presence(events['presence.update']!));
    if (events['groups.update']) await this.#guard(() => this.#notifications.groupsUpdate(events['groups.update']!));
    if (events['group-participants.update'])
      await this.#guard(() => this.#notifications.participants(events['group-participants.update']!));
    if (events.call) {
      await this.#guard(() => this.#notifications.calls(events.call!));
      await this.#guard(() => this.#calls.handle(sock, events.call!));
    }
  }

  async #message(sock: WASocket, msg: WAMessage, receipts: ReceiptIn[]): Promise<void> {
    const { key } = msg;
    if (!key.id || !key.remoteJid) return;
    const settings = this.#ports.settings();
    if (isJidStatusBroadcast(key.remoteJid)) {
      if (settings.read_status && !key.fromMe) this.#reads.status(sock, key);
      return;
    }
    if (key.fromMe) {
      // A receipt that arrived within ~20 ms is merged into the buffered upsert of our own send.
      const to = receiptStatus(msg.status);
      if (to) receipts.push({ waMessageId: key.id, to, remote: jidPair(key.remoteJid, key.remoteJidAlt) });
      return;
    }
    const meaning = mapInbound(msg);
    if (meaning.kind === 'ignore') return;
    const chat = jidPair(key.remoteJid, key.remoteJidAlt);
    const group = isJidGroup(key.remoteJid) ?? false;
    // Not stored, no event; `receive` resolving still lets WhatsApp have its receipt.
    if (group && settings.ignore_groups) return;
    const sender = group ? jidPair(key.participant, key.participantAlt) : chat;
    const who: InboundOrigin = {
      remote_jid: group ? key.remoteJid : chat.jid,
      remote_lid: group ? null : chat.lid,
      is_group: group,
      participant_jid: group ? sender.jid : null,
      participant_lid: group ? sender.lid : null,
      push_name: msg.pushName ?? null,
      timestamp: Number(msg.messageTimestamp ?? 0) || null,
    };
    if (meaning.kind === 'poll_vote') return this.#polls.vote(sock, meaning, key.id, sender, who);
    if (meaning.kind === 'revoke' || meaning.kind === 'edit') {
      const target = await messagesRepo.getByWaId(this.#scope.db, this.#scope.instance.id, meaning.targetId);
      const chatIds = new Set([chat.jid, chat.lid, key.remoteJid].filter((j): j is string => Boolean(j)));
      if (!mayChange(meaning.kind, target, chatIds, group)) {
        this.#scope.log.warn(`inbound ${meaning.kind} of a message its sender does not own: ignored`, {
          wa_message_id: key.id,
        });
        return;
      }
    }
    await this.#store(sock, msg, meaning, preferredJid(chat, key.remoteJid), sender, who);
  }

  async #store(
    sock: WASocket,
    msg: WAMessage,
    meaning: Exclude<InboundMeaning, { kind: 'ignore' | 'poll_vote' }>,
    remoteJid: string,
    sender: JidPair,
    who: InboundOrigin,
  ): Promise<void> {
    const scope = this.#scope;
    const waId = msg.key.id!;
    if (meaning.kind === 'revoke') {
      await scope.write((_, emit) =>
        emit('message.revoked', { wa_message_id: meaning.targetId, ...who }, meaning.targetId),
      );
      return;
    }
    // Redelivered after a restart (the LRU forgot it): not downloaded again, a failure would delete the blob.
    if (await messagesRepo.getByWaId(scope.db, scope.instance.id, waId)) return;
    const type = meaning.kind === 'edit' ? 'edit' : meaning.type;
    const content: Record<string, unknown> =
      meaning.kind === 'edit' ? { ...meaning.content, target_wa_message_id: meaning.targetId } : { ...meaning.content };
    const event = meaning.kind === 'edit' ? 'message.received' : meaning.event;
    let mediaKey: string | null = null;
    let mediaUrl: string | undefined;
    if (meaning.kind === 'message' && meaning.media) {
      const stored = await storeInboundMedia(
        { ...this.#ports.media, instanceId: scope.instance.id, logger: scope.log },
        sock,
        msg,
        typeof content['size'] === 'number' ? (content['size'] as number) : undefined,
        meaning.media.mimetype,
      );
      if ('mediaKey' in stored) ({ mediaKey, url: mediaUrl } = stored);
      else content['media_error'] = stored.error;
    }
    const inserted = await scope.write(async (trx, emit) => {
      const fresh = await messagesRepo.insertInbound(trx, {
        instanceId: scope.instance.id,
        remoteJid,
        type,
        content,
        waMessageId: waId,
        mediaKey,
        participant: who.is_group ? (msg.key.participant ?? null) : null,
      });
      if (!fresh) return false;
      const row = await messagesRepo.getByWaId(trx, scope.instance.id, waId);
      if (!row) throw new Error('a message inserted in this transaction is not there');
      if (type === 'poll') await this.#polls.rememberReceived(trx, msg, row.id, sender);
      const media = mediaUrl ? { media_url: mediaUrl } : {};
      await emit(
        event,
        { id: row.id, wa_message_id: waId, type, ...who, content, media_key: mediaKey, ...media },
        waId,
      );
      return true;
    });
    if (inserted) {
      this.#ports.metrics.messagesReceived.inc({ wa_instance: scope.instance.name, type });
      this.#ports.onActivity(new Date());
      if (this.#ports.settings().auto_read_messages) this.#reads.message(sock, remoteJid, waId);
    }
  }

  /**
   * Waits out an unreachable database for as long as the instance is ours, then rejects with the
   * last failure; a stale fence or the work's own error is thrown at once. No fixed number of
   * attempts: a receipt, or a message WhatsApp has its receipt for, is not sent again. While it
   * waits, the socket is not read (ReadPause): what arrives meanwhile stays out of this process.
   */
  async #whileOurs<T>(what: string, work: () => Promise<T>): Promise<T> {
    const { log, ended } = this.#scope;
    let release: (() => void) | undefined;
    try {
      return await whileUnavailable(work, {
        signal: ended,
        onWait: (error, attempt) => {
          if (attempt > 1) return;
          log.warn(`database unavailable: holding ${what} until it answers`, { error });
          release = this.#ports.pause.hold();
        },
      });
    } finally {
      release?.();
    }
  }

  /** One bad item must not stop the ones after it; what the instance's end cut short is let go quietly. */
  async #guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!this.#scope.ended.aborted) this.#scope.log.warn('inbound item failed', { error });
    }
  }
}
