// Entry point for every stanza a client sends after the handshake.
import type { BinaryNode } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { onCall, onPresence } from '../routing/calls.ts';
import type { Connection } from '../transport/connection.ts';
import { onIq } from './iq.ts';
import { onMessage } from './message.ts';
import { onReceipt } from './receipt.ts';

export async function onNode(ctx: SimContext, conn: Connection, stanza: BinaryNode): Promise<void> {
  if ((stanza.tag === 'ack' || stanza.tag === 'receipt') && ctx.faults.losesClientAck(conn)) {
    ctx.log.debug('client acknowledgement lost (fault)', { tag: stanza.tag, id: stanza.attrs.id, conn: conn.id });
    return;
  }
  switch (stanza.tag) {
    case 'iq':
      return onIq(ctx, conn, stanza);
    case 'message':
      return onMessage(ctx, conn, stanza);
    case 'receipt':
      return onReceipt(ctx, conn, stanza);
    case 'ack':
      if (stanza.attrs.error) ctx.log.debug('client nack', { ...stanza.attrs, conn: conn.id });
      conn.device?.pending.acked(stanza);
      return;
    case 'call':
      return onCall(ctx, conn, stanza);
    case 'presence':
      return onPresence(conn, stanza);
    default:
      // chatstate, ib (unified_session, offline_batch) ...: nothing to do
      return;
  }
}
