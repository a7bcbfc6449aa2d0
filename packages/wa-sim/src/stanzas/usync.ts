// xmlns=usync: device lists (with key indexes), LIDs (mandatory for Baileys to send), contact
// existence, status and disappearing mode of simulated accounts.
import { normalizePhone, pnJid } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import { allChildren, type BinaryNode, bytesOf, child, childrenOf, iqError, iqResult, node } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import type { Connection } from '../transport/connection.ts';

function deviceList(account: Account): BinaryNode {
  const devices = [
    node('device', { id: '0' }),
    ...[...account.companions.values()].map((d) =>
      node('device', { id: String(d.id), 'key-index': String(d.keyIndex) }),
    ),
  ];
  return node('devices', {}, [node('device-list', {}, devices)]);
}

function userResult(
  requestJid: string | undefined,
  account: Account | undefined,
  wants: Set<string>,
): BinaryNode | undefined {
  const jid = requestJid ?? (account ? pnJid(account.phone) : undefined);
  if (!jid) return undefined;
  const requestedByLid = jid.endsWith('@lid');
  const content: BinaryNode[] = [];
  if (account) {
    if (wants.has('devices')) content.push(deviceList(account));
    if (wants.has('lid') && !requestedByLid) content.push(node('lid', { val: `${account.lid}@lid` }));
    if (wants.has('contact')) content.push(node('contact', { type: 'in' }));
    if (wants.has('status'))
      content.push(
        node('status', { t: String(Math.floor(account.createdAt / 1000)) }, 'Hey there! I am using WhatsApp.'),
      );
    if (wants.has('disappearing_mode')) content.push(node('disappearing_mode', { duration: '0', t: '0' }));
  } else if (wants.has('contact')) {
    content.push(node('contact', { type: 'out' }));
  }
  return node('user', { jid }, content);
}

export function onUsyncIq(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const usync = child(iq, 'usync');
  const query = child(usync, 'query');
  if (!usync || !query) {
    conn.sendNode(iqError(iq, 400, 'bad-request'));
    return;
  }
  const wants = new Set(allChildren(query).map((c) => c.tag));
  const out: BinaryNode[] = [];
  for (const user of childrenOf(child(usync, 'list'), 'user')) {
    let jid = user.attrs.jid;
    let account = jid ? ctx.accounts.resolve(jid)?.account : undefined;
    if (!jid) {
      // contact lookup by phone number (`<contact>+15550001</contact>`)
      const phone = normalizePhone(bytesOf(child(user, 'contact'))?.toString('utf8'));
      if (phone) {
        account = ctx.accounts.get(phone);
        jid = pnJid(phone);
      }
    } else if (account && !jid.endsWith('@lid')) {
      jid = pnJid(account.phone);
    }
    const result = userResult(jid, account, wants);
    if (result) out.push(result);
  }
  conn.sendNode(iqResult(iq, [node('usync', { ...usync.attrs }, [node('result', {}, []), node('list', {}, out)])]));
}
