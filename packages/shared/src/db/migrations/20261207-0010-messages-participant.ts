import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * `messages.participant`: who wrote a received group message (WhatsApp's `key.participant`). A
 * read receipt for a group message must name its author, so marking a chat read needs it stored.
 * `messages_chat_unread` keeps "the chat's unread received messages" to the few rows it asks for
 * instead of the chat's whole history.
 */
export async function up(db: AnyDb): Promise<void> {
  await sql`ALTER TABLE messages ADD COLUMN participant text`.execute(db);
  await db.schema
    .createIndex('messages_chat_unread')
    .on('messages')
    .columns(['instance_id', 'remote_jid', 'seq'])
    .where(sql.ref('direction'), '=', 'inbound')
    .where(sql.ref('status'), '=', 'delivered')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_chat_unread').ifExists().execute();
  await sql`ALTER TABLE messages DROP COLUMN participant`.execute(db);
}
