import type { MessageRow } from '@turbozap/shared/db/schema';

/**
 * Whether the sender of a revoke or an edit may change the stored message it names. A revoke or
 * an edit names its target by id only, and a modified client can name any id: a contact may
 * change its own messages in its own chat, never ours and never another chat's. In a group an
 * admin may delete anyone's message (admins are not known here, so a group revoke of our message
 * passes, and its event names who sent it); only the author edits. A target never stored (older
 * than the link, say) cannot be checked and passes.
 */
export function mayChange(
  kind: 'revoke' | 'edit',
  target: Pick<MessageRow, 'remote_jid' | 'direction'> | undefined,
  chat: ReadonlySet<string>,
  group: boolean,
): boolean {
  if (!target) return true;
  if (!chat.has(target.remote_jid)) return false;
  if (target.direction === 'outbound') return group && kind === 'revoke';
  return true;
}
