// NOTE for the repository owner: this query belongs in packages/shared/src/db/repositories/messages.ts
// (e.g. `messagesRepo.earlierPendingInChat`); it lives here only because that file is not the
// session-worker's to edit. Move it there and delete this file.
import { pendingStatuses } from '@turbozap/shared/db/repositories/message-status';
import type { MessageRow, MessageStatus } from '@turbozap/shared/db/schema';
import type { Db } from '../db-types.ts';

/** Not final and not yet on the wire: a later message to the same chat waits for these. */
const blocking: readonly MessageStatus[] = [...pendingStatuses, 'sending'];

/** The oldest outbound message to the same chat, accepted before `row`, that is not sent or final yet. */
export function earlierPendingInChat(
  db: Db,
  row: Pick<MessageRow, 'instance_id' | 'remote_jid' | 'seq'>,
): Promise<Pick<MessageRow, 'id' | 'status'> | undefined> {
  return db
    .selectFrom('messages')
    .select(['id', 'status'])
    .where('instance_id', '=', row.instance_id)
    .where('remote_jid', '=', row.remote_jid)
    .where('direction', '=', 'outbound')
    .where('seq', '<', row.seq)
    .where('status', 'in', blocking)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}
