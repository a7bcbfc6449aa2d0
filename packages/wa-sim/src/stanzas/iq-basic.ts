// Small post-login queries: passive/active, pings, props, blocklist, privacy settings and tokens.
import { type BinaryNode, childrenOf, firstChild, iqResult, node } from '../binary/nodes.ts';
import type { Connection } from '../transport/connection.ts';

const PRIVACY_DEFAULTS: Record<string, string> = {
  readreceipts: 'all',
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  calladd: 'all',
};

/** Per-account settings the basic queries read and write. */
export interface BasicSettings {
  blocklist: Set<string>;
  privacy: Record<string, string>;
}

const settingsByPhone = new WeakMap<object, BasicSettings>();

function settings(conn: Connection): BasicSettings {
  const key = conn.account ?? conn;
  let s = settingsByPhone.get(key);
  if (!s) {
    s = { blocklist: new Set(), privacy: { ...PRIVACY_DEFAULTS } };
    settingsByPhone.set(key, s);
  }
  return s;
}

export function onBlocklistIq(conn: Connection, iq: BinaryNode): void {
  const s = settings(conn);
  if (iq.attrs.type === 'set') {
    for (const item of childrenOf(iq, 'item')) {
      if (!item.attrs.jid) continue;
      if (item.attrs.action === 'block') s.blocklist.add(item.attrs.jid);
      else s.blocklist.delete(item.attrs.jid);
    }
    conn.sendNode(iqResult(iq));
    return;
  }
  const items = [...s.blocklist].map((jid) => node('item', { jid }));
  conn.sendNode(iqResult(iq, [node('list', {}, items)]));
}

export function onPrivacyIq(conn: Connection, iq: BinaryNode): void {
  const first = firstChild(iq);
  const s = settings(conn);
  if (first?.tag === 'tokens') {
    // tctoken issuance: acknowledge without issuing tokens (privacy tokens are not modelled)
    conn.sendNode(iqResult(iq, [node('tokens', {}, [])]));
    return;
  }
  if (iq.attrs.type === 'set') {
    for (const c of childrenOf(first, 'category'))
      if (c.attrs.name && c.attrs.value) s.privacy[c.attrs.name] = c.attrs.value;
    conn.sendNode(iqResult(iq));
    return;
  }
  const categories = Object.entries(s.privacy).map(([name, value]) => node('category', { name, value }));
  conn.sendNode(iqResult(iq, [node('privacy', {}, categories)]));
}

export function onPropsIq(conn: Connection, iq: BinaryNode): void {
  conn.sendNode(iqResult(iq, [node('props', { protocol: '1', hash: 'wa-sim-1' }, [])]));
}
