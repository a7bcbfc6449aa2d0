// xmlns=encrypt: prekey upload/count/digest/rotate for companions, and prekey bundle fetches.
import type { ResolvedJid } from '../accounts/registry.ts';
import type { CompanionDevice } from '../accounts/types.ts';
import {
  type BinaryNode,
  child,
  childBytes,
  childrenOf,
  firstChild,
  iqError,
  iqResult,
  node,
  readUIntBE,
  uintBE,
} from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import type { Connection } from '../transport/connection.ts';

const readSignedPreKey = (skey: BinaryNode | undefined) =>
  skey && {
    keyId: readUIntBE(childBytes(skey, 'id')),
    publicKey: childBytes(skey, 'value') ?? Buffer.alloc(0),
    signature: childBytes(skey, 'signature') ?? Buffer.alloc(0),
  };

/** Prekey bundle of a companion device, consuming one of its uploaded one-time prekeys. */
export function companionBundleNode(jid: string, device: CompanionDevice): BinaryNode {
  const content = [
    node('registration', {}, uintBE(device.registrationId, 4)),
    node('type', {}, Buffer.from([5])),
    node('identity', {}, device.identityKey),
    node('skey', {}, [
      node('id', {}, uintBE(device.signedPreKey.keyId, 3)),
      node('value', {}, device.signedPreKey.publicKey),
      node('signature', {}, device.signedPreKey.signature),
    ]),
  ];
  const next = device.preKeys.entries().next();
  if (!next.done) {
    const [keyId, publicKey] = next.value;
    device.preKeys.delete(keyId);
    content.push(node('key', {}, [node('id', {}, uintBE(keyId, 3)), node('value', {}, publicKey)]));
  }
  return node('user', { jid }, content);
}

function bundleFor(jid: string, target: ResolvedJid | undefined): BinaryNode | undefined {
  if (!target) return undefined;
  if (target.device === 0) return target.account.phoneDevice.bundleNode(jid);
  const device = target.account.companions.get(target.device);
  return device && companionBundleNode(jid, device);
}

export function onEncryptIq(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const first = firstChild(iq);
  const device = conn.account?.companions.get(conn.deviceId ?? -1);
  if (!device) {
    conn.sendNode(iqError(iq, 401, 'not-authorized'));
    return;
  }
  if (iq.attrs.type === 'get' && first?.tag === 'count') {
    conn.sendNode(iqResult(iq, [node('count', { value: String(device.preKeys.size) })]));
  } else if (iq.attrs.type === 'get' && first?.tag === 'digest') {
    conn.sendNode(iqResult(iq, [node('digest', {}, [node('type', {}, Buffer.from([5]))])]));
  } else if (iq.attrs.type === 'get' && first?.tag === 'key') {
    const users = childrenOf(first, 'user').flatMap((u) => {
      const jid = u.attrs.jid;
      return (jid && bundleFor(jid, ctx.accounts.resolve(jid))) || [];
    });
    conn.sendNode(iqResult(iq, [node('list', {}, users)]));
  } else if (iq.attrs.type === 'set' && first?.tag === 'rotate') {
    const skey = readSignedPreKey(child(first, 'skey'));
    if (skey) device.signedPreKey = skey;
    conn.sendNode(iqResult(iq));
  } else if (iq.attrs.type === 'set' && child(iq, 'list')) {
    for (const key of childrenOf(child(iq, 'list'), 'key')) {
      const value = childBytes(key, 'value');
      if (value) device.preKeys.set(readUIntBE(childBytes(key, 'id')), value);
    }
    const skey = readSignedPreKey(child(iq, 'skey'));
    if (skey) device.signedPreKey = skey;
    const identity = childBytes(iq, 'identity');
    if (identity?.length === 32) device.identityKey = identity;
    ctx.log.debug('prekeys uploaded', {
      phone: conn.account?.phone,
      device: conn.deviceId,
      count: device.preKeys.size,
    });
    conn.sendNode(iqResult(iq));
  } else {
    conn.sendNode(iqError(iq, 501, 'feature-not-implemented'));
  }
}
