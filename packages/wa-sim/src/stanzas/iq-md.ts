// xmlns=md: pairing-code stages and the client's own logout (remove-companion-device).
import { removeCompanion } from '../accounts/devices.ts';
import { type BinaryNode, firstChild, iqError, iqResult } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { onCompanionFinish, onCompanionHello } from '../pairing/link-code.ts';
import type { Connection } from '../transport/connection.ts';

export function onMdIq(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const first = firstChild(iq);
  if (first?.tag === 'link_code_companion_reg') {
    if (first.attrs.stage === 'companion_hello') onCompanionHello(ctx, conn, iq, first);
    else if (first.attrs.stage === 'companion_finish') onCompanionFinish(ctx, conn, iq);
    else conn.sendNode(iqError(iq, 400, 'bad-request'));
    return;
  }
  if (first?.tag === 'remove-companion-device') {
    const account = conn.account;
    const target = ctx.accounts.resolve(first.attrs.jid);
    if (!account || !target || target.account !== account) {
      conn.sendNode(iqError(iq, 403, 'forbidden'));
      return;
    }
    conn.sendNode(iqResult(iq));
    removeCompanion(ctx, account, target.device);
    return;
  }
  conn.sendNode(iqError(iq, 501, 'feature-not-implemented'));
}
