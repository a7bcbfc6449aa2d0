import type { Receipt } from '@turbozap/shared/db/repositories/fenced-messages';
import { proto } from '@whiskeysockets/baileys';
import { instanceEvent } from '../events/event-sink.ts';
import type { InstanceScope } from '../instance-scope.ts';
import type { MessageWrites } from '../message-writes.ts';

const Status = proto.WebMessageInfo.Status;

/** WhatsApp receipt status → our status (SERVER_ACK is "sent", which the sender writes itself). */
export function receiptStatus(status: number | null | undefined): 'delivered' | 'read' | undefined {
  if (status === Status.DELIVERY_ACK) return 'delivered';
  if (status === Status.READ || status === Status.PLAYED) return 'read';
  return undefined;
}

/** One receipt for one of our outbound messages, as the inbound handler collects them. */
export interface ReceiptIn {
  waMessageId: string;
  to: 'delivered' | 'read';
  remote: { jid: string | null; lid: string | null };
}

/**
 * Applies the receipts of one batch of socket events to our outbound messages, each a
 * compare-and-set (a late "delivered" after "read" changes nothing) group-committed with the
 * other instances' receipts (MessageWrites), and emits a `message.ack` for every receipt that
 * moved a status. Returns how many moved one. WhatsApp does not send a receipt again: the caller
 * waits out an unreachable database (InboundHandler).
 */
export async function applyReceipts(
  scope: InstanceScope,
  writes: Pick<MessageWrites, 'ack'>,
  receipts: readonly ReceiptIn[],
): Promise<number> {
  const all: Receipt[] = receipts.map(({ waMessageId, to, remote }) => ({
    waMessageId,
    to,
    remoteJid: remote.jid,
    // `id` and (when the receipt names no JID) `remote_jid` come from the row, in the statement.
    event: instanceEvent(
      scope.instance,
      'message.ack',
      { wa_message_id: waMessageId, status: to, remote_jid: remote.jid, remote_lid: remote.lid },
      waMessageId,
      to,
    ),
  }));
  const moved = await scope.writeOne(
    (fence) => Promise.all(writes.ack(all.map((receipt) => ({ fence, receipt })))),
    // As the statement stored them.
    (rows) => rows.flatMap((row) => (row ? [row._envelope] : [])),
  );
  return moved.filter((row) => row !== undefined).length;
}
