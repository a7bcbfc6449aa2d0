// A simulated phone sends a text or media: Signal-encrypted to each companion of the recipient, copied
// to the recipient's own phone, and as a device-sent message to the sender's own companions.
import { randomBytes } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import { jidFor, lidJid, pnJid } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import { type BinaryNode, node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { remember } from '../util/bounded.ts';
import { newMessageId } from '../util/ids.ts';
import { deliverToCompanion, messageKey } from './delivery.ts';
import { sendGroupFromPhone } from './groups.ts';
import { encryptForCompanion, phoneReceived } from './phone.ts';

export interface SendOptions {
  /** Message id to use (re-using one exercises duplicate suppression). */
  id?: string;
  /** Fault: the first copy to each companion is undecryptable, forcing a retry receipt. */
  corrupt?: boolean;
}

/** The `<message>` a phone sends to one device, carrying a single `<enc>`. */
export function phoneEnvelope(
  sender: Account,
  kind: 'pn' | 'lid',
  id: string,
  enc: BinaryNode,
  extra: Record<string, string> = {},
): BinaryNode {
  const alt = kind === 'lid' ? { sender_pn: pnJid(sender.phone) } : { sender_lid: lidJid(sender.lid) };
  return node(
    'message',
    { id, from: jidFor(kind, sender), type: 'text', t: unixSeconds(), notify: sender.pushName, ...alt, ...extra },
    [enc],
  );
}

/** What a phone sends: the message, and how its outbox entry describes it. */
export interface PhoneMessage {
  message: proto.IMessage;
  type: string;
  /** Text or caption for the outbox. */
  text: string;
  /** The stanza's `type` when neither `text` nor `media` (a poll vote is `poll`, as Baileys sends it). */
  stanzaType?: string;
}

export function textMessage(text: unknown): PhoneMessage {
  if (typeof text !== 'string' || !text) throw badRequest('invalid_text', 'text must be a non-empty string');
  return { message: { conversation: text }, type: 'text', text };
}

export async function sendFromPhone(
  ctx: SimContext,
  sender: Account,
  to: unknown,
  content: PhoneMessage,
  opts: SendOptions = {},
): Promise<{ id: string }> {
  const group = typeof to === 'string' ? ctx.groups.get(to) : undefined;
  if (group) return sendGroupFromPhone(ctx, sender, group, content, opts.id);
  const target = ctx.accounts.resolveTarget(to);
  if (!target) throw notFound('unknown_recipient', `no simulated account for ${String(to)}`);
  const recipient = target.account;
  if (recipient === sender) throw badRequest('invalid_recipient', 'an account cannot message itself');
  if (opts.id !== undefined && (typeof opts.id !== 'string' || !/^[\w-]{4,64}$/.test(opts.id))) {
    throw badRequest('invalid_id', 'id must be 4-64 characters [A-Za-z0-9_-]');
  }
  const kind = target.kind;
  const id = opts.id ?? newMessageId();
  const key = messageKey(sender, id);
  const { message } = content;
  if (!sender.outbox.has(id)) {
    sender.outbox.set(id, {
      id,
      to: pnJid(recipient.phone),
      type: content.type,
      text: content.text,
      timestamp: Math.floor(Date.now() / 1000),
      status: 'sent',
      readBy: [],
      message,
    });
  }
  const stanzaType: Record<string, string> = content.stanzaType
    ? { type: content.stanzaType }
    : content.type === 'text'
      ? {}
      : { type: 'media' };
  let suppressed = false;
  for (const device of recipient.companions.values()) {
    if (device.seen.has(key)) {
      suppressed = true;
      continue;
    }
    const enc = opts.corrupt
      ? node('enc', { v: '2', type: 'msg' }, randomBytes(64))
      : await encryptForCompanion(sender, recipient, device, message).then(({ type, ciphertext }) =>
          node('enc', { v: '2', type }, ciphertext),
        );
    deliverToCompanion(ctx, recipient, device.id, phoneEnvelope(sender, kind, id, enc, stanzaType), key);
  }
  if (remember(recipient.seen, key)) phoneReceived(ctx, recipient, sender, 0, id, message, kind);
  else suppressed = true;
  const dsm: proto.IMessage = { deviceSentMessage: { destinationJid: jidFor(kind, recipient), message } };
  for (const device of sender.companions.values()) {
    if (device.seen.has(key)) continue;
    const { type, ciphertext } = await encryptForCompanion(sender, sender, device, dsm);
    const enc = node('enc', { v: '2', type }, ciphertext);
    const stanza = node(
      'message',
      {
        id,
        from: jidFor(kind, sender),
        recipient: jidFor(kind, recipient),
        type: 'text',
        t: unixSeconds(),
        // The account's own push name, as WhatsApp sends it: how a companion learns it.
        notify: sender.pushName,
        ...stanzaType,
      },
      [enc],
    );
    deliverToCompanion(ctx, sender, device.id, stanza, key);
  }
  if (suppressed) ctx.stats.duplicatesSuppressed++;
  else ctx.stats.messagesRelayed++;
  return { id };
}
