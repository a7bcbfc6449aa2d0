// QR linking: an unpaired client gets <pair-device> refs; a phone "scans" the QR string
// (`ref,noiseKey,identityKey,advSecret,platform`) and links the companion.
import { randomBytes } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import { normalizePhone } from '../accounts/jids.ts';
import { node, readUIntBE, SERVER_JID } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { badRequest, conflict, notFound, SimError } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import { completeLink, type LinkResult } from './link.ts';
import type { PendingRegistration } from './registrations.ts';

/** A registration handshake: remember the companion's keys and hand out QR refs. */
export function startRegistration(ctx: SimContext, conn: Connection, payload: proto.ClientPayload): void {
  const d = payload.devicePairingData!;
  const { refs: count, firstRefMs, nextRefMs } = ctx.opts.qr;
  const now = Date.now();
  const refs = Array.from({ length: count }, (_, i) => ({
    ref: `2@${randomBytes(24).toString('base64')}`,
    expiresAt: now + firstRefMs + i * nextRefMs,
  }));
  let platform = 'unknown';
  try {
    platform = d.deviceProps ? proto.DeviceProps.decode(d.deviceProps).os || platform : platform;
  } catch {
    // keep the default
  }
  const reg: PendingRegistration = {
    conn,
    identityKey: Buffer.from(d.eIdent ?? []),
    registrationId: readUIntBE(d.eRegid ?? undefined),
    signedPreKey: {
      keyId: readUIntBE(d.eSkeyId ?? undefined),
      publicKey: Buffer.from(d.eSkeyVal ?? []),
      signature: Buffer.from(d.eSkeySig ?? []),
    },
    noiseKey: conn.clientStaticKey!,
    platform,
    refs,
    linking: false,
  };
  ctx.pairing.add(reg);
  scheduleExpiry(ctx, reg, refs.at(-1)!.expiresAt - now);
  conn.sendNode(
    node('iq', { from: SERVER_JID, type: 'set', id: randomBytes(4).toString('hex'), xmlns: 'md' }, [
      node(
        'pair-device',
        {},
        refs.map((r) => node('ref', {}, Buffer.from(r.ref))),
      ),
    ]),
  );
}

/** Ends an unpaired connection with 408 once its refs (or its pairing-code window) ran out. */
export function scheduleExpiry(ctx: SimContext, reg: PendingRegistration, ms: number): void {
  clearTimeout(reg.expiryTimer);
  reg.expiryTimer = setTimeout(() => {
    if (reg.linking) return;
    ctx.log.info('pairing window expired', { conn: reg.conn.id });
    ctx.pairing.remove(reg);
    reg.conn.streamError({ code: '408' });
  }, ms);
  reg.expiryTimer.unref?.();
}

/** The phone `phoneInput` scans `qr` (creating the account if needed) and links that companion. */
export async function scanQr(ctx: SimContext, phoneInput: unknown, qr: unknown): Promise<LinkResult> {
  const phone = normalizePhone(phoneInput);
  if (!phone) throw badRequest('invalid_phone', `not a phone number: ${String(phoneInput)}`);
  if (typeof qr !== 'string' || !qr) throw badRequest('invalid_qr', 'qr must be the QR string the client emitted');
  // `https://wa.me/settings/linked_devices#ref,noiseKey,identityKey,advSecret,platform` (or without the URL)
  const [ref = '', noiseB64 = '', identityB64 = '', advB64 = ''] = qr
    .trim()
    .replace(/^[^#]*#/, '')
    .split(',');
  const reg = ctx.pairing.byRef(ref);
  if (!reg?.conn.isOpen) throw notFound('unknown_qr', 'no unpaired connection shows this QR');
  const entry = reg.refs.find((r) => r.ref === ref)!;
  if (Date.now() > entry.expiresAt) throw new SimError(410, 'qr_expired', 'this QR ref has expired');
  if (reg.linking) throw conflict('already_linking', 'this connection is already being linked');
  const noiseKey = Buffer.from(noiseB64, 'base64');
  const identityKey = Buffer.from(identityB64, 'base64');
  if (!noiseKey.equals(reg.noiseKey) || !identityKey.equals(reg.identityKey)) {
    throw badRequest('qr_mismatch', 'QR keys do not match the connection that received this ref');
  }
  const advSecret = Buffer.from(advB64, 'base64');
  if (advSecret.length !== 32) throw badRequest('invalid_qr', 'QR has no valid ADV secret');
  const account = ctx.accounts.create(phone);
  return completeLink(ctx, reg, account, advSecret);
}
