import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import {
  type BaileysEventMap,
  isJidGroup,
  isJidStatusBroadcast,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { mayChange } from './author-check.ts';
import { type JidPair, jidPair, preferredJid } from './jids.ts';
import { storeInboundMedia } from './media-store.ts';
import { type InboundMeaning, mapInbound } from './message-mapper.ts';
import { NotificationEvents } from './notifications.ts';
import { persistently } from './persistently.ts';
import { PollVotes } from './poll-votes.ts';
import { applyReceipts, type ReceiptIn, receiptStatus } from './receipts.ts';

type Events = Partial<BaileysEventMap>;

/**
 * Everything that arrives on a socket, in arrival order: messages stored once (and their event
 * in the same transaction), receipts (from `messages.update` and the ones Baileys merges into
 * `messages.upsert`), revokes, reactions, group / presence updates and calls.
 */
export class InboundHandler {
  readonly #scope: InstanceScope;
  readonly #notifications: NotificationEvents;
  readonly #polls: PollVotes;
  readonly #onActivity: (at: Date) => void;
  #chain: Promise<void> = Promise.resolve();

  constructor(scope: InstanceScope, onActivity: (at: Date) => void) {
    this.#scope = scope;
    this.#notifications = new NotificationEvents(scope);
    this.#polls = new PollVotes(scope);
    this.#onActivity = onActivity;
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

  /** Resolves once everything received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #handle(sock: WASocket, events: Events): Promise<void> {
    // The batch's receipts are applied together, in one statement, after its messages.
    const receipts: ReceiptIn[] = [];
    const upsert = events['messages.upsert'];
    if (upsert) for (const msg of upsert.messages) await this.#guard(() => this.#message(sock, msg, receipts));
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
    if (receipts.length > 0) await this.#guard(() => applyReceipts(this.#scope, receipts));
    if (events['presence.update']) await this.#guard(() => this.#notifications.presence(events['presence.update']!));
    if (events['groups.update']) await this.#guard(() => this.#notifications.groupsUpdate(events['groups.update']!));
    if (events['group-participants.update'])
      await this.#guard(() => this.#notifications.participants(events['group-participants.update']!));
    if (events.call) await this.#guard(() => this.#notifications.calls(events.call!));
  }

  async #message(sock: WASocket, msg: WAMessage, receipts: ReceiptIn[]): Promise<void> {
    const { key } = msg;
    if (!key.id || !key.remoteJid || isJidStatusBroadcast(key.remoteJid)) return;
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
    const sender = group ? jidPair(key.participant, key.participantAlt) : chat;
    const who = {
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
      const target = await messagesRepo.getByWaId(this.#scope.ctx.db, this.#scope.instance.id, meaning.targetId);
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
    who: Record<string, unknown>,
  ): Promise<void> {
    const scope = this.#scope;
    const waId = msg.key.id!;
    if (meaning.kind === 'revoke') {
      await scope.write((_, emit) =>
        emit('message.revoked', { wa_message_id: meaning.targetId, ...who }, meaning.targetId),
      );
      return;
    }
    if (await messagesRepo.getByWaId(scope.ctx.db, scope.instance.id, waId)) return;
    const type = meaning.kind === 'edit' ? 'edit' : meaning.type;
    const content: Record<string, unknown> =
      meaning.kind === 'edit' ? { ...meaning.content, target_wa_message_id: meaning.targetId } : { ...meaning.content };
    const event = meaning.kind === 'edit' ? 'message.received' : meaning.event;
    let mediaKey: string | null = null;
    let mediaUrl: string | undefined;
    if (meaning.kind === 'message' && meaning.media) {
      const { blobs, config, baileys } = scope.ctx;
      const stored = await storeInboundMedia(
        {
          blobs,
          logger: scope.log,
          maxBytes: config.media.maxBytes,
          instanceId: scope.instance.id,
          urlTtlMs: config.media.urlTtlMs,
          mediaRoute: baileys.mediaRoute,
        },
        sock,
        msg,
        typeof content['size'] === 'number' ? (content['size'] as number) : undefined,
        meaning.media.mimetype,
      );
      if ('mediaKey' in stored) ({ mediaKey, url: mediaUrl } = stored);
      else content['media_error'] = stored.error;
    }
    const inserted = await persistently(() =>
      scope.write(async (trx, emit) => {
        const fresh = await messagesRepo.insertInbound(trx, {
          instanceId: scope.instance.id,
          remoteJid,
          type,
          content,
          waMessageId: waId,
          mediaKey,
        });
        if (!fresh) return false;
        const row = await messagesRepo.getByWaId(trx, scope.instance.id, waId);
        if (type === 'poll' && row) await this.#polls.rememberReceived(trx, msg, row.id, sender);
        const media = mediaUrl ? { media_url: mediaUrl } : {};
        await emit(
          event,
          { id: row?.id, wa_message_id: waId, type, ...who, content, media_key: mediaKey, ...media },
          waId,
        );
        return true;
      }),
    );
    if (inserted) {
      scope.ctx.metrics.messagesReceived.inc({ wa_instance: scope.instance.name, type });
      this.#onActivity(new Date());
    }
  }

  /** One bad message must not stop the ones after it. */
  async #guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#scope.log.warn('inbound item failed', { error });
    }
  }
}
