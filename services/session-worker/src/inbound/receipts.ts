import { fencedMessagesRepo } from '@turbozap/shared/db/repositories/fenced-messages';
import { proto } from '@whiskeysockets/baileys';
import { instanceEvent } from '../events/event-sink.ts';
import type { InstanceScope } from '../instance-scope.ts';

const Status = proto.WebMessageInfo.Status;

/** WhatsApp receipt status → our status (SERVER_ACK is "sent", which the sender writes itself). */
export function receiptStatus(status: number | null | undefined): 'delivered' | 'read' | undefined {
  if (status === Status.DELIVERY_ACK) return 'delivered';
  if (status === Status.READ || status === Status.PLAYED) return 'read';
  return undefined;
}

/**
 * Applies a receipt to one of our outbound messages (compare-and-set, so a late "delivered"
 * after "read" changes nothing) and emits `message.ack` when it moved the status.
 */
export async function applyReceipt(
  scope: InstanceScope,
  waMessageId: string,
  to: 'delivered' | 'read',
  remote: { jid: string | null; lid: string | null },
): Promise<boolean> {
  // `id` and (when the receipt names no JID) `remote_jid` come from the row, in the statement.
  const event = instanceEvent(
    scope.instance,
    'message.ack',
    { wa_message_id: waMessageId, status: to, remote_jid: remote.jid, remote_lid: remote.lid },
    waMessageId,
    to,
  );
  const moved = await scope.writeOne(
    (fence) => fencedMessagesRepo.ackByWaId(scope.ctx.db, fence, waMessageId, to, event, remote.jid),
    // As the statement stored it.
    (row) => (row ? [{ ...event, data: { ...event.data, id: row.id, remote_jid: remote.jid ?? row.remote_jid } }] : []),
  );
  return moved !== undefined;
}
