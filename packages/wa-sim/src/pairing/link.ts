// The final step shared by QR and pairing-code linking: the phone signs the companion's identity
// (ADV), sends <pair-success>, receives <pair-device-sign>, stores the device and asks for a restart.
import { randomBytes } from 'node:crypto';
import { Curve, hmacSign, proto, WA_ADV_ACCOUNT_SIG_PREFIX, WA_ADV_DEVICE_SIG_PREFIX } from '@whiskeysockets/baileys';
import { lidJid, pnJid } from '../accounts/jids.ts';
import type { Account, CompanionDevice } from '../accounts/types.ts';
import { bytesOf, child, node, SERVER_JID, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { SimError } from '../errors.ts';
import { PendingStanzas } from '../routing/pending.ts';
import { verifySignature } from '../signal/libsignal.ts';
import type { PendingRegistration } from './registrations.ts';

export interface LinkResult {
  phone: string;
  jid: string;
  lid: string;
  deviceId: number;
  /** The companion's device JID (`PHONE:DEVICE@s.whatsapp.net`). */
  deviceJid: string;
}

export async function completeLink(
  ctx: SimContext,
  reg: PendingRegistration,
  account: Account,
  advSecret: Buffer,
): Promise<LinkResult> {
  reg.linking = true;
  clearTimeout(reg.expiryTimer);
  const deviceId = account.nextDeviceId++;
  const phoneIdentity = account.phoneDevice.identity;
  const accountKey = account.phoneDevice.identityPublic;
  const details = proto.ADVDeviceIdentity.encode({
    rawId: randomBytes(4).readUInt32BE(),
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex: deviceId,
  }).finish();
  const accountSignature = Curve.sign(
    phoneIdentity.privKey,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, reg.identityKey]),
  );
  const signed = proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: accountKey,
    accountSignature,
  }).finish();
  const container = proto.ADVSignedDeviceIdentityHMAC.encode({
    details: signed,
    hmac: hmacSign(signed, advSecret),
  }).finish();
  const pairSuccess = node('iq', { from: SERVER_JID, type: 'set', xmlns: 'md', t: unixSeconds() }, [
    node('pair-success', {}, [
      node('device-identity', {}, container),
      node('platform', { name: 'smba' }),
      node('device', { jid: pnJid(account.phone, deviceId), lid: lidJid(account.lid, deviceId) }),
    ]),
  ]);
  let answer: Awaited<ReturnType<typeof reg.conn.query>>;
  try {
    answer = await reg.conn.query(pairSuccess, ctx.opts.linkTimeoutMs);
  } catch (err) {
    reg.linking = false;
    throw new SimError(504, 'link_timeout', `companion did not confirm pairing: ${(err as Error).message}`);
  }
  const signNode = child(child(answer, 'pair-device-sign'), 'device-identity');
  const signedBytes = bytesOf(signNode);
  if (answer.attrs.type !== 'result' || !signedBytes) {
    reg.linking = false;
    reg.conn.streamError({ code: '500' });
    throw new SimError(502, 'link_rejected', 'companion rejected pair-success');
  }
  const deviceSigned = proto.ADVSignedDeviceIdentity.decode(signedBytes);
  const signedDetails = deviceSigned.details ?? new Uint8Array();
  const deviceMsg = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, signedDetails, reg.identityKey, accountKey]);
  if (!deviceSigned.deviceSignature || !verifySignature(reg.identityKey, deviceMsg, deviceSigned.deviceSignature)) {
    reg.conn.streamError({ code: '500' });
    throw new SimError(502, 'bad_device_signature', 'companion device signature does not verify');
  }
  const device: CompanionDevice = {
    id: deviceId,
    keyIndex: deviceId,
    noiseKey: reg.noiseKey,
    identityKey: reg.identityKey,
    registrationId: reg.registrationId,
    signedPreKey: reg.signedPreKey,
    preKeys: new Map(),
    platform: reg.platform,
    linkedAt: Date.now(),
    offlineQueue: [],
    pending: new PendingStanzas(),
    seen: new Set(),
  };
  account.companions.set(deviceId, device);
  ctx.pairing.remove(reg);
  ctx.stats.pairings++;
  const result = {
    phone: account.phone,
    jid: pnJid(account.phone),
    lid: lidJid(account.lid),
    deviceId,
    deviceJid: pnJid(account.phone, deviceId),
  };
  ctx.log.info('companion linked', { phone: account.phone, device: deviceId, platform: reg.platform });
  ctx.events.emit('linked', { phone: account.phone, deviceId, jid: result.deviceJid });
  // The real server makes the freshly paired client reconnect and log in.
  reg.conn.streamError({ code: '515' });
  return result;
}
