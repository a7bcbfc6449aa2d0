// After the noise handshake: registration (unpaired client → QR refs) or login of a stored device.
import type { proto } from '@whiskeysockets/baileys';
import { lidJid } from '../accounts/jids.ts';
import { node, SERVER_JID, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { startRegistration } from '../pairing/qr.ts';
import { takeBacklog } from '../routing/delivery.ts';
import type { Connection } from '../transport/connection.ts';

export function onClientPayload(ctx: SimContext, conn: Connection, payload: proto.ClientPayload): void {
  if (payload.devicePairingData) {
    ctx.log.debug('registration connection', { conn: conn.id });
    startRegistration(ctx, conn, payload);
    return;
  }
  login(ctx, conn, payload);
}

function login(ctx: SimContext, conn: Connection, payload: proto.ClientPayload): void {
  const phone = String(payload.username ?? '');
  const deviceId = payload.device ?? 0;
  const account = ctx.accounts.get(phone);
  const device = account?.companions.get(deviceId);
  if (!account || !device || !conn.clientStaticKey?.equals(device.noiseKey)) {
    ctx.log.info('login refused: unknown or removed device', { phone, device: deviceId, conn: conn.id });
    conn.sendNode(node('failure', { reason: '401', location: 'sim' }));
    conn.closeSoon();
    return;
  }
  const replaced = ctx.sessions.set(account, deviceId, conn);
  conn.account = account;
  conn.deviceId = deviceId;
  if (replaced) {
    ctx.stats.conflicts++;
    ctx.log.info('device connected twice: replacing the older connection', { phone, device: deviceId });
    ctx.events.emit('conflict', { phone, deviceId });
    replaced.account = undefined; // it no longer speaks for the device
    replaced.streamError({}, [node('conflict', { type: 'replaced' })]);
  }
  ctx.stats.logins++;
  conn.sendNode(
    node('success', {
      t: unixSeconds(),
      props: '1',
      abprops: '1',
      location: 'sim',
      lid: lidJid(account.lid, deviceId),
      creation: String(Math.floor(device.linkedAt / 1000)),
    }),
  );
  const backlog = takeBacklog(device);
  for (const stanza of backlog) conn.sendNode({ ...stanza, attrs: { ...stanza.attrs, offline: '1' } });
  conn.sendNode(node('ib', { from: SERVER_JID }, [node('offline', { count: String(backlog.length) })]));
  ctx.log.info('device logged in', { phone, device: deviceId, offline: backlog.length, conn: conn.id });
  ctx.events.emit('login', { phone, deviceId });
}
