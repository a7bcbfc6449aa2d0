// Simulated groups: membership and roles, and the <group> node WhatsApp returns for them.
import { randomInt } from 'node:crypto';
import { pnJid } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import { type BinaryNode, node } from '../binary/nodes.ts';

export type GroupRole = 'superadmin' | 'admin' | 'member';

export interface Group {
  /** `DIGITS@g.us` */
  jid: string;
  subject: string;
  creator: Account;
  /** Unix seconds. */
  creation: number;
  subjectTime: number;
  /** Members by phone. */
  members: Map<string, { account: Account; role: GroupRole }>;
}

export class GroupRegistry {
  readonly #groups = new Map<string, Group>();

  create(creator: Account, subject: string, members: Account[]): Group {
    let jid: string;
    do jid = `120363${String(randomInt(0, 1e12)).padStart(12, '0')}@g.us`;
    while (this.#groups.has(jid));
    const now = Math.floor(Date.now() / 1000);
    const group: Group = { jid, subject, creator, creation: now, subjectTime: now, members: new Map() };
    group.members.set(creator.phone, { account: creator, role: 'superadmin' });
    for (const m of members)
      if (!group.members.has(m.phone)) group.members.set(m.phone, { account: m, role: 'member' });
    this.#groups.set(jid, group);
    return group;
  }

  get(jid: string | undefined): Group | undefined {
    return jid ? this.#groups.get(jid) : undefined;
  }

  ofAccount(account: Account): Group[] {
    return [...this.#groups.values()].filter((g) => g.members.has(account.phone));
  }
}

export const isMember = (group: Group, account: Account | undefined): boolean =>
  account !== undefined && group.members.has(account.phone);

/** The `<group>` node of query/create/participating answers (phone-number addressing). */
export function groupNode(group: Group): BinaryNode {
  const participants = [...group.members.values()].map(({ account, role }) =>
    node('participant', { jid: pnJid(account.phone), type: role === 'member' ? undefined : role }),
  );
  return node(
    'group',
    {
      id: group.jid.replace('@g.us', ''),
      subject: group.subject,
      s_t: String(group.subjectTime),
      s_o: pnJid(group.creator.phone),
      creation: String(group.creation),
      creator: pnJid(group.creator.phone),
      size: String(group.members.size),
      addressing_mode: 'pn',
    },
    participants,
  );
}
