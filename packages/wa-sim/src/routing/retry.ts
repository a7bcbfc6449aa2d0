// Retry receipts in both directions between simulated phones and companion devices.
import { extractE2ESessionFromRetryReceipt } from '@whiskeysockets/baileys';
import { jidFor, signalAddress } from '../accounts/jids.ts';
import type { Account, OutboxRecord } from '../accounts/types.ts';
import { type BinaryNode, child, node, uintBE, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import type { PreKeyBundle } from '../signal/libsignal.ts';
import { BoundedMap } from '../util/bounded.ts';
import { deliverToCompanion } from './delivery.ts';
import { companionBundle } from './phone.ts';
import { phoneEnvelope } from './phone-send.ts';

const MAX_RETRIES = 3;
const retryCounts = new BoundedMap<string, number>(10_000);

/**
 * `phoneOwner`'s phone could not decrypt message `id` from `sender`'s device: it asks that device
 * to send it again, with a fresh key bundle so the sender can rebuild the session.
 */
export function requestRetry(
  ctx: SimContext,
  phoneOwner: Account,
  sender: Account,
  senderDevice: number,
  stanza: BinaryNode,
  kind: 'pn' | 'lid',
): void {
  const id = stanza.attrs.id!;
  const key = `${phoneOwner.phone}|${sender.phone}|${id}`;
  const count = (retryCounts.get(key) ?? 0) + 1;
  if (count > MAX_RETRIES) {
    ctx.log.warn('giving up on undecryptable message', { id, from: sender.phone, to: phoneOwner.phone });
    return;
  }
  retryCounts.set(key, count);
  const receipt = node('receipt', { id, from: jidFor(kind, phoneOwner), type: 'retry', t: unixSeconds() }, [
    node('retry', { count: String(count), id, t: stanza.attrs.t ?? unixSeconds(), v: '1', error: '0' }),
    node('registration', {}, uintBE(phoneOwner.phoneDevice.registrationId, 4)),
    phoneOwner.phoneDevice.retryKeysNode(),
  ]);
  ctx.log.info('phone requests retry', { id, from: sender.phone, device: senderDevice, count });
  deliverToCompanion(ctx, sender, senderDevice, receipt);
}

/**
 * A companion of `requester` could not decrypt `entry`, sent by `sender`'s phone: rebuild the
 * session (from the keys in the receipt, else from the server's bundle) and send it again.
 */
export async function resendFromPhone(
  ctx: SimContext,
  sender: Account,
  entry: OutboxRecord,
  requester: Account,
  deviceId: number,
  receipt: BinaryNode,
  kind: 'pn' | 'lid',
): Promise<void> {
  const device = requester.companions.get(deviceId);
  if (!device) return;
  const count = Number(child(receipt, 'retry')?.attrs.count ?? '1');
  if (count > MAX_RETRIES) return;
  const address = signalAddress(requester.lid, deviceId);
  const fromReceipt = extractE2ESessionFromRetryReceipt(receipt) as PreKeyBundle | null;
  sender.phoneDevice.deleteSession(address);
  await sender.phoneDevice.startSession(address, fromReceipt ?? companionBundle(device));
  const { type, ciphertext } = await sender.phoneDevice.encrypt(address, entry.message);
  const enc = node('enc', { v: '2', type, count: String(count) }, ciphertext);
  ctx.log.info('phone resends after retry receipt', { id: entry.id, to: requester.phone, device: deviceId, count });
  deliverToCompanion(ctx, requester, deviceId, phoneEnvelope(sender, kind, entry.id, enc));
}
