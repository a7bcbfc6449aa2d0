import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * The API marks a published message only while it is still `queued`: a row the sender-worker
 * has already claimed is past the relay's concern, and skipping it spares a second write of
 * nearly every message. Those rows keep `published_at` null, so the relay's index must leave
 * them out by status as well, or it would grow with every message ever sent.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_unpublished').ifExists().execute();
  await db.schema
    .createIndex('messages_unpublished')
    .on('messages')
    .column('created_at')
    .where(sql<boolean>`published_at is null and status = 'queued'`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('messages_unpublished').ifExists().execute();
  await db.schema
    .createIndex('messages_unpublished')
    .on('messages')
    .column('created_at')
    .where(sql.ref('published_at'), 'is', null)
    .execute();
}
