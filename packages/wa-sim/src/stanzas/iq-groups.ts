// xmlns=w:g2: create, metadata, participating list, participant changes, leave, subject.
import { pnJid } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import {
  allChildren,
  type BinaryNode,
  bytesOf,
  child,
  childrenOf,
  firstChild,
  iqError,
  iqResult,
  node,
  unixSeconds,
} from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { type Group, groupNode, isMember } from '../groups/registry.ts';
import { deliverToCompanions } from '../routing/delivery.ts';
import type { Connection } from '../transport/connection.ts';
import { newStanzaId } from '../util/ids.ts';

/** Tells every member's companions (and removed ones) about a change: `<notification type=w:gp2>`. */
function notifyMembers(ctx: SimContext, group: Group, actor: Account, change: BinaryNode, extra: Account[] = []): void {
  const stanza = node(
    'notification',
    { from: group.jid, type: 'w:gp2', id: newStanzaId(), t: unixSeconds(), participant: pnJid(actor.phone) },
    [change],
  );
  const targets = new Set([...[...group.members.values()].map((m) => m.account), ...extra]);
  for (const account of targets) deliverToCompanions(ctx, account, stanza);
}

const participantAccounts = (ctx: SimContext, parent: BinaryNode | undefined): { jid: string; account?: Account }[] =>
  childrenOf(parent, 'participant').flatMap((p) =>
    p.attrs.jid ? [{ jid: p.attrs.jid, account: ctx.accounts.resolve(p.attrs.jid)?.account }] : [],
  );

/** Tells the members' companions a group was created (they emit groups.upsert). */
export function announceGroup(ctx: SimContext, group: Group, creator: Account): void {
  notifyMembers(ctx, group, creator, node('create', { reason: 'create', method: 'create' }, [groupNode(group)]));
}

export function onGroupIq(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const me = conn.account!;
  const op = firstChild(iq);
  const { type, to } = iq.attrs;
  if (to === '@g.us' || to === 'g.us') {
    if (type === 'set' && op?.tag === 'create') {
      const members = participantAccounts(ctx, op).flatMap((p) => p.account ?? []);
      const group = ctx.groups.create(me, op.attrs.subject || 'Group', members);
      ctx.log.info('group created', { jid: group.jid, by: me.phone, members: group.members.size });
      conn.sendNode(iqResult(iq, [groupNode(group)]));
      announceGroup(ctx, group, me);
      return;
    }
    if (type === 'get' && op?.tag === 'participating') {
      conn.sendNode(iqResult(iq, [node('groups', {}, ctx.groups.ofAccount(me).map(groupNode))]));
      return;
    }
    if (type === 'set' && op?.tag === 'leave') {
      for (const g of childrenOf(op, 'group')) {
        const group = ctx.groups.get(g.attrs.id?.includes('@') ? g.attrs.id : `${g.attrs.id}@g.us`);
        if (group && isMember(group, me)) {
          group.members.delete(me.phone);
          notifyMembers(ctx, group, me, node('leave', {}, [node('participant', { jid: pnJid(me.phone) })]), [me]);
        }
      }
      conn.sendNode(iqResult(iq));
      return;
    }
  }
  const group = ctx.groups.get(to);
  if (!group) {
    conn.sendNode(iqError(iq, 404, 'item-not-found'));
    return;
  }
  if (!isMember(group, me)) {
    conn.sendNode(iqError(iq, 403, 'forbidden'));
    return;
  }
  if (type === 'get' && op?.tag === 'query') {
    conn.sendNode(iqResult(iq, [groupNode(group)]));
    return;
  }
  if (type === 'set' && op?.tag === 'subject') {
    group.subject = bytesOf(op)?.toString('utf8') ?? group.subject;
    group.subjectTime = Math.floor(Date.now() / 1000);
    conn.sendNode(iqResult(iq));
    notifyMembers(
      ctx,
      group,
      me,
      node('subject', { subject: group.subject, s_t: String(group.subjectTime), s_o: pnJid(me.phone) }),
    );
    return;
  }
  if (type === 'set' && op && ['add', 'remove', 'promote', 'demote'].includes(op.tag)) {
    if (group.members.get(me.phone)?.role === 'member') {
      conn.sendNode(iqError(iq, 403, 'forbidden'));
      return;
    }
    const results: BinaryNode[] = [];
    const changed: Account[] = [];
    for (const { jid, account } of participantAccounts(ctx, op)) {
      if (!account) {
        results.push(node('participant', { jid, error: '404' }));
        continue;
      }
      const entry = group.members.get(account.phone);
      if (op.tag === 'add' && !entry) group.members.set(account.phone, { account, role: 'member' });
      else if (op.tag === 'remove' && entry) group.members.delete(account.phone);
      else if ((op.tag === 'promote' || op.tag === 'demote') && entry)
        entry.role = op.tag === 'promote' ? 'admin' : 'member';
      else {
        results.push(node('participant', { jid, error: op.tag === 'add' ? '409' : '404' }));
        continue;
      }
      changed.push(account);
      results.push(node('participant', { jid: pnJid(account.phone) }));
    }
    conn.sendNode(iqResult(iq, [node(op.tag, {}, results)]));
    if (changed.length) {
      const list = changed.map((a) => node('participant', { jid: pnJid(a.phone) }));
      notifyMembers(ctx, group, me, node(op.tag, {}, list), op.tag === 'remove' ? changed : []);
    }
    return;
  }
  ctx.log.debug('unhandled group iq', { op: op?.tag, children: allChildren(child(iq, op?.tag ?? '')).length });
  conn.sendNode(iqError(iq, 501, 'feature-not-implemented'));
}
