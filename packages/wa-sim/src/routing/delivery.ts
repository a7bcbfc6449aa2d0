// Getting a stanza to a companion device: straight onto its live connection (kept pending until the
// device acknowledges it), or into its offline queue. Optionally suppresses message ids it already has.
import type { Account, CompanionDevice } from '../accounts/types.ts';
import type { BinaryNode } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { remember } from '../util/bounded.ts';
import { MAX_KEPT_PER_DEVICE } from './pending.ts';

export type DeliveryResult = 'sent' | 'queued' | 'duplicate' | 'no-device';

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
    device.pending.add(stanza);
    return 'sent';
  }
  if (device.offlineQueue.length >= MAX_KEPT_PER_DEVICE) device.offlineQueue.shift();
  device.offlineQueue.push(stanza);
  return 'queued';
}

/**
 * What a device is sent at login, oldest first: what it never acknowledged, then its offline queue,
 * which is pending from then on like anything written to it (kinds no client acks are sent once).
 */
export function takeBacklog(device: Pick<CompanionDevice, 'offlineQueue' | 'pending'>): BinaryNode[] {
  const queued = device.offlineQueue.splice(0);
  const untracked = queued.filter((stanza) => !device.pending.add(stanza));
  return [...device.pending.list(), ...untracked];
}

/** Delivers to every companion of `account` (each gets its own copy). */
export function deliverToCompanions(ctx: SimContext, account: Account, stanza: BinaryNode): void {
  for (const id of account.companions.keys()) deliverToCompanion(ctx, account, id, stanza);
}

/** Dedupe key of a message for its recipients: sender user + message id. */
export const messageKey = (sender: Account, id: string): string => `${sender.phone}|${id}`;
