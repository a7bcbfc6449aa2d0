// <receipt> from a companion device: acked, it acknowledges the messages it names (they stop being
// pending for that device), then forwarded to the message's sender (status of phone-sent messages,
// <receipt> to its companions); retry receipts trigger a resend.
import { jidFor, parseJid } from '../accounts/jids.ts';
import { type BinaryNode, child, childrenOf, node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { deliverToCompanion, messageKey } from '../routing/delivery.ts';
import { deliverReceipt, type ReceiptType } from '../routing/receipts.ts';
import { resendFromPhone } from '../routing/retry.ts';
import type { Connection } from '../transport/connection.ts';

const FORWARDED: Record<string, ReceiptType> = {
  delivery: 'delivery',
  inactive: 'delivery',
  read: 'read',
  played: 'played',
};

/** The receipt's own id, then those of its `<list><item id>`. */
const messageIds = (receipt: BinaryNode): string[] =>
  [receipt.attrs.id, ...childrenOf(child(receipt, 'list'), 'item').map((i) => i.attrs.id)].filter(
    (id): id is string => !!id,
  );

export async function onReceipt(ctx: SimContext, conn: Connection, receipt: BinaryNode): Promise<void> {
  const { id, to, type } = receipt.attrs;
  conn.sendNode(node('ack', { id, class: 'receipt', from: to, type }));
  const ids = messageIds(receipt);
  conn.device?.pending.receipted(ids, type);
  const reader = conn.account;
  const group = ctx.groups.get(to);
  // group receipts name the message's author in `participant`
  const target = ctx.accounts.resolve(group ? receipt.attrs.participant : to);
  if (!reader || !id || !target || target.account === reader) return; // own-device receipts stay local
  const sender = target.account;
  const kind = parseJid(group ? receipt.attrs.participant : to)?.kind ?? 'pn';
  if (type === 'retry') {
    const entry = sender.outbox.get(id);
    if (entry && !group) {
      await resendFromPhone(ctx, sender, entry, reader, conn.deviceId ?? 0, receipt, kind);
      return;
    }
    const origin = ctx.origins.get(messageKey(sender, id));
    if (!origin) return;
    const forwarded = node(
      'receipt',
      { id, from: jidFor(origin.kind, reader, conn.deviceId), type: 'retry', t: receipt.attrs.t ?? unixSeconds() },
      Array.isArray(receipt.content) ? receipt.content : undefined,
    );
    deliverToCompanion(ctx, sender, origin.deviceId, forwarded);
    return;
  }
  const forwardAs = FORWARDED[type ?? 'delivery'];
  if (!forwardAs) return;
  deliverReceipt(ctx, reader, sender, ids, forwardAs, kind, group?.jid);
}
