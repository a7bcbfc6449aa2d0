// Unlinking companion devices (from the phone, or the client's own logout).
import { node } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { pnJid } from './jids.ts';
import type { Account } from './types.ts';

/** Removes one companion; a live connection of it gets `<stream:error code=401><conflict type=device_removed/>`. */
export function removeCompanion(ctx: SimContext, account: Account, deviceId: number): void {
  if (!account.companions.delete(deviceId)) return;
  const conn = ctx.sessions.get(account, deviceId);
  if (conn) {
    ctx.sessions.delete(conn);
    conn.account = undefined;
    conn.streamError({ code: '401' }, [node('conflict', { type: 'device_removed' })]);
  }
  ctx.log.info('companion removed', { phone: account.phone, device: deviceId });
  ctx.events.emit('removed', { phone: account.phone, deviceId });
}

/** The phone unlinks the device named by `jid` (any device JID of the account), or every companion. */
export function removeDevices(ctx: SimContext, account: Account, jid?: string): string[] {
  let ids: number[];
  if (jid) {
    const target = ctx.accounts.resolve(jid);
    if (!target || target.account !== account || !account.companions.has(target.device)) {
      throw notFound('unknown_device', `${jid} is not a linked device of ${account.phone}`);
    }
    ids = [target.device];
  } else {
    ids = [...account.companions.keys()];
  }
  for (const id of ids) removeCompanion(ctx, account, id);
  return ids.map((id) => pnJid(account.phone, id));
}
