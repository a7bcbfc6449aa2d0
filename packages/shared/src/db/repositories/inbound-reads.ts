import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A received message not marked read yet: what a read receipt for it needs. */
export interface UnreadMessage {
  id: string;
  wa_message_id: string;
  /** The author of a group message; null in a one-to-one chat. */
  participant: string | null;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Received messages move `delivered → read` when this instance marks them read: the row records
 * it, so a chat marked read twice sends its receipts once.
 */
export const inboundReadsRepo = {
  /**
   * A chat's received messages not marked read yet, oldest first, at most `limit`; with `ids`
   * (our ids or WhatsApp ids), only those of them.
   */
  unread(
    db: Db,
    q: { instanceId: string; remoteJid: string; ids?: readonly string[] | undefined; limit: number },
  ): Promise<UnreadMessage[]> {
    let query = db
      .selectFrom('messages')
      .select(['id', 'wa_message_id', 'participant'])
      .where('instance_id', '=', q.instanceId)
      .where('remote_jid', '=', q.remoteJid)
      .where('direction', '=', 'inbound')
      .where('status', '=', 'delivered')
      .where('wa_message_id', 'is not', null);
    if (q.ids) {
      const ids = [...q.ids];
      if (ids.length === 0) return Promise.resolve([]);
      // `id` is a uuid column: a WhatsApp id compared with it would be a cast error, not a miss.
      const ours = ids.filter((id) => uuidShape.test(id));
      query = query.where((eb) =>
        ours.length > 0
          ? eb.or([eb('id', 'in', ours), eb('wa_message_id', 'in', ids)])
          : eb('wa_message_id', 'in', ids),
      );
    }
    return query.orderBy('seq').limit(q.limit).execute() as Promise<UnreadMessage[]>;
  },

  /** `delivered → read` for these messages of the instance; answers the ids that moved. */
  async markRead(db: Db, instanceId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const entry = JSON.stringify([{ status: 'read', at: new Date().toISOString() }]);
    const rows = await db
      .updateTable('messages')
      .set({ status: 'read', history: sql`history || ${entry}::jsonb`, updated_at: sql`now()` })
      .where('instance_id', '=', instanceId)
      .where('id', 'in', [...ids])
      .where('direction', '=', 'inbound')
      .where('status', '=', 'delivered')
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  },
};
