// What a simulated phone does with messages: record them in its inbox, answer with delivery
// (and optionally read) receipts, and encrypt for companion devices with real libsignal.
import { generateSignalPubKey, type proto } from '@whiskeysockets/baileys';
import { pnJid, signalAddress } from '../accounts/jids.ts';
import type { Account, CompanionDevice, InboxEntry } from '../accounts/types.ts';
import type { SimContext } from '../context.ts';
import { inspectMedia } from '../media/inspect.ts';
import type { PreKeyBundle } from '../signal/libsignal.ts';
import type { EncType } from '../signal/sim-signal-device.ts';
import { describeMessage } from './describe.ts';
import { rememberPoll } from './poll-store.ts';
import { deliverReceipt } from './receipts.ts';

export interface InboxRecord extends InboxEntry {
  read: boolean;
  /** Delivery receipt sent (a read receipt is never sent before it). */
  delivered: boolean;
  kind: 'pn' | 'lid';
}

const MAX_INBOX = 10_000;

/** `recipient`'s phone decrypted `message` from `sender`: inbox entry, then receipts. */
export function phoneReceived(
  ctx: SimContext,
  recipient: Account,
  sender: Account,
  senderDevice: number,
  id: string,
  message: proto.IMessage,
  kind: 'pn' | 'lid',
  group?: string,
): void {
  rememberPoll(recipient, sender, id, message, group);
  const { type, text, viewOnce, forwardingScore, linkPreview } = describeMessage(message);
  if (type === 'protocol' || type === 'unknown') return; // not user-visible content
  const media = inspectMedia(ctx.media, message);
  const entry: InboxRecord = {
    id,
    from: pnJid(sender.phone),
    type,
    ...(text !== undefined ? { text } : {}),
    timestamp: Math.floor(Date.now() / 1000),
    fromDevice: senderDevice,
    ...(group ? { group } : {}),
    ...(media ? { media } : {}),
    ...(viewOnce ? { viewOnce } : {}),
    ...(forwardingScore !== undefined ? { forwardingScore } : {}),
    ...(linkPreview ? { linkPreview } : {}),
    read: false,
    delivered: false,
    kind,
  };
  recipient.inbox.push(entry);
  if (recipient.inbox.length > MAX_INBOX) recipient.inbox.shift();
  ctx.events.emit('inbox', { phone: recipient.phone, entry });
  const onError = (err: unknown) => ctx.log.warn('receipt failed', { err: String(err) });
  if (recipient.deliveryReceipts) {
    ctx.timers.later(ctx.opts.receiptDelayMs, () => acknowledgeDelivery(ctx, recipient, sender, [entry]), onError);
  }
  if (recipient.autoRead) {
    ctx.timers.later(
      ctx.opts.readReceiptDelayMs,
      () => {
        markRead(ctx, recipient, [id]);
      },
      onError,
    );
  }
}

function acknowledgeDelivery(ctx: SimContext, recipient: Account, sender: Account, entries: InboxRecord[]): void {
  const pending = entries.filter((e) => !e.delivered);
  for (const e of pending) e.delivered = true;
  const kind = pending[0]?.kind ?? 'pn';
  deliverReceipt(
    ctx,
    recipient,
    sender,
    pending.map((e) => e.id),
    'delivery',
    kind,
    pending[0]?.group,
  );
}

/** `account`'s phone reads messages in its inbox (all unread ones when `ids` is absent). */
export function markRead(ctx: SimContext, account: Account, ids?: string[]): string[] {
  const wanted = ids && new Set(ids);
  const bySender = new Map<string, InboxRecord[]>();
  for (const entry of account.inbox as InboxRecord[]) {
    if (entry.read || (wanted && !wanted.has(entry.id))) continue;
    entry.read = true;
    const chat = `${entry.from}|${entry.group ?? ''}`;
    const list = bySender.get(chat) ?? [];
    list.push(entry);
    bySender.set(chat, list);
  }
  const marked: string[] = [];
  for (const entries of bySender.values()) {
    const sender = ctx.accounts.resolve(entries[0]?.from)?.account;
    if (!sender) continue;
    const kind = entries[0]?.kind ?? 'pn';
    acknowledgeDelivery(ctx, account, sender, entries); // receipts stay in order: delivered, then read
    deliverReceipt(
      ctx,
      account,
      sender,
      entries.map((e) => e.id),
      'read',
      kind,
      entries[0]?.group,
    );
    marked.push(...entries.map((e) => e.id));
  }
  return marked;
}

/** Bundle of a companion built from what it uploaded (consumes a one-time prekey when available). */
export function companionBundle(device: CompanionDevice): PreKeyBundle {
  const next = device.preKeys.entries().next();
  let preKey: PreKeyBundle['preKey'];
  if (!next.done) {
    device.preKeys.delete(next.value[0]);
    preKey = { keyId: next.value[0], publicKey: generateSignalPubKey(next.value[1]) };
  }
  return {
    registrationId: device.registrationId,
    identityKey: generateSignalPubKey(device.identityKey),
    signedPreKey: {
      keyId: device.signedPreKey.keyId,
      publicKey: generateSignalPubKey(device.signedPreKey.publicKey),
      signature: device.signedPreKey.signature,
    },
    ...(preKey ? { preKey } : {}),
  };
}

/** Encrypts `message` from `from`'s phone to one companion of `peer`, starting a session if needed. */
export async function encryptForCompanion(
  from: Account,
  peer: Account,
  device: CompanionDevice,
  message: proto.IMessage,
): Promise<{ type: EncType; ciphertext: Buffer }> {
  const address = signalAddress(peer.lid, device.id);
  if (!from.phoneDevice.hasSession(address)) await from.phoneDevice.startSession(address, companionBundle(device));
  return from.phoneDevice.encrypt(address, message);
}
