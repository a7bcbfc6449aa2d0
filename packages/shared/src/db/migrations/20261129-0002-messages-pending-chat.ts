import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * "Is an earlier message to this chat still unsent?" is asked before every send. On
 * messages_chat it walks the chat's whole history; on this partial index it reads only the
 * handful of rows not yet on the wire.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('messages_chat_unsent')
    .on('messages')
    .columns(['instance_id', 'remote_jid', 'seq'])
    .where(sql.ref('status'), 'in', ['queued', 'preparing', 'ready', 'sending'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_chat_unsent').ifExists().execute();
}
