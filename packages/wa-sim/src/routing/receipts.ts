// Receipts travelling back to a message's sender: status of what its phone sent, and a
// <receipt> stanza for each of its companion devices.
import { jidFor } from '../accounts/jids.ts';
import type { Account, OutboxStatus } from '../accounts/types.ts';
import { node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { deliverToCompanions } from './delivery.ts';

export type ReceiptType = 'delivery' | 'read' | 'played';

const RANK: Record<OutboxStatus, number> = { sent: 0, delivered: 1, read: 2 };

export function deliverReceipt(
  ctx: SimContext,
  reader: Account,
  sender: Account,
  ids: string[],
  type: ReceiptType,
  kind: 'pn' | 'lid',
  group?: string,
): void {
  if (!ids.length) return;
  const status: OutboxStatus = type === 'delivery' ? 'delivered' : 'read';
  for (const id of ids) {
    const entry = sender.outbox.get(id);
    if (entry && status === 'read' && !entry.readBy.includes(reader.phone)) entry.readBy.push(reader.phone);
    if (entry && RANK[status] > RANK[entry.status]) {
      entry.status = status;
      ctx.events.emit('receipt', { phone: sender.phone, id, status, by: reader.phone });
    }
  }
  if (!sender.companions.size) return;
  const [first, ...rest] = ids;
  // group receipts come from the group and name the reader as participant
  const attrs = {
    id: first,
    from: group ?? jidFor(kind, reader),
    participant: group ? jidFor(kind, reader) : undefined,
    t: unixSeconds(),
    type: type === 'delivery' ? undefined : type,
  };
  const list = rest.length
    ? [
        node(
          'list',
          {},
          rest.map((id) => node('item', { id })),
        ),
      ]
    : undefined;
  deliverToCompanions(ctx, sender, node('receipt', attrs, list));
}
