// Getting a stanza to a companion device: straight onto its live connection, or into its
// offline queue (flushed at its next login). Optionally suppresses message ids it already has.
import type { Account } from '../accounts/types.ts';
import type { BinaryNode } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { remember } from '../util/bounded.ts';

export type DeliveryResult = 'sent' | 'queued' | 'duplicate' | 'no-device';

const MAX_OFFLINE_QUEUE = 10_000;

export function deliverToCompanion(
  ctx: SimContext,
  account: Account,
  deviceId: number,
  stanza: BinaryNode,
  dedupeKey?: string,
): DeliveryResult {
  const device = account.companions.get(deviceId);
  if (!device) return 'no-device';
  if (dedupeKey && !remember(device.seen, dedupeKey)) return 'duplicate';
  const conn = ctx.sessions.get(account, deviceId);
  if (conn?.isAuthenticated) {
    conn.sendNode(stanza);
    return 'sent';
  }
  if (device.offlineQueue.length >= MAX_OFFLINE_QUEUE) device.offlineQueue.shift();
  device.offlineQueue.push(stanza);
  return 'queued';
}

/** Delivers to every companion of `account` (each gets its own copy). */
export function deliverToCompanions(ctx: SimContext, account: Account, stanza: BinaryNode): void {
  for (const id of account.companions.keys()) deliverToCompanion(ctx, account, id, stanza);
}

/** Dedupe key of a message for its recipients: sender user + message id. */
export const messageKey = (sender: Account, id: string): string => `${sender.phone}|${id}`;
