// Voice and video calls, as far as signalling goes: a simulated phone rings an account (the
// `<call><offer>` stanza WhatsApp delivers to each of its devices) and records what the callee's
// devices answer (`<call><reject>`), so tests can tell a call was rejected and by whom.
import { randomBytes } from 'node:crypto';
import { pnJid } from '../accounts/jids.ts';
import type { Account, CallRecord } from '../accounts/types.ts';
import { type BinaryNode, firstChild, node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import { newStanzaId } from '../util/ids.ts';
import { deliverToCompanions } from './delivery.ts';

/** Calls kept per caller (oldest forgotten first). */
const MAX_CALLS = 1_000;

/** `caller`'s phone rings `callee`: every companion of the callee gets the offer. */
export function placeCall(ctx: SimContext, caller: Account, callee: Account, video: boolean): CallRecord {
  if (caller === callee) throw badRequest('invalid_target', 'an account cannot call itself');
  const callId = randomBytes(16).toString('hex').toUpperCase();
  const from = pnJid(caller.phone);
  const media: BinaryNode[] = [
    node('audio', { enc: 'opus', rate: '16000' }),
    node('audio', { enc: 'opus', rate: '8000' }),
    ...(video ? [node('video', { enc: 'vp8', dec: 'vp8', orientation: '0', screen_width: '1920' })] : []),
    node('net', { medium: '3' }),
  ];
  const offer = node('call', { from, id: newStanzaId(), t: unixSeconds(), notify: caller.pushName }, [
    node('offer', { 'call-id': callId, 'call-creator': from }, media),
  ]);
  deliverToCompanions(ctx, callee, offer);
  const record: CallRecord = { id: callId, to: pnJid(callee.phone), video, status: 'ringing', at: Date.now() };
  if (caller.calls.size >= MAX_CALLS) caller.calls.delete(caller.calls.keys().next().value as string);
  caller.calls.set(callId, record);
  return record;
}

/**
 * A `<call>` a device sends: acknowledged (Baileys waits for the answer to its reject), and a
 * reject is recorded on the caller's call, with who rejected it.
 */
export function onCall(ctx: SimContext, conn: Connection, stanza: BinaryNode): void {
  const action = firstChild(stanza);
  const { id, to } = stanza.attrs;
  conn.sendNode(node('ack', { id, class: 'call', type: action?.tag, from: to }));
  const callId = action?.attrs['call-id'];
  const callee = conn.account;
  if (action?.tag !== 'reject' || !callId || !callee) return;
  const caller = ctx.accounts.resolve(to)?.account;
  const call = caller?.calls.get(callId);
  if (call?.status !== 'ringing') return;
  call.status = 'rejected';
  call.rejectedBy = pnJid(callee.phone);
  ctx.log.debug('call rejected', { callId, by: callee.phone });
}

/** A client's own presence (`<presence type=…>` without a target), kept with its connection: it lasts as long. */
export function onPresence(conn: Connection, stanza: BinaryNode): void {
  const { type, to } = stanza.attrs;
  if (!conn.account || to || (type !== 'available' && type !== 'unavailable')) return;
  conn.presence = type;
}
