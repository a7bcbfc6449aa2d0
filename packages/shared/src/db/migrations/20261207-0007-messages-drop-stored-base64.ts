import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * Outbound base64 media used to stay in `messages.content` after the sender-worker stored it in
 * the blob store. The sender-worker now drops it when it stores the media (or when the message
 * ends failed, cancelled or expired); this drops what earlier versions left. Rows still waiting
 * for their media to be stored keep theirs.
 */
export async function up(db: AnyDb): Promise<void> {
  await sql`UPDATE messages SET content = content - 'base64'
    WHERE direction = 'outbound' AND content ? 'base64'
      AND (media_key IS NOT NULL OR status IN ('failed', 'cancelled', 'expired'))`.execute(db);
}

/** The dropped media is in the blob store (or was never sent); there is nothing to put back. */
export async function down(_db: AnyDb): Promise<void> {}
