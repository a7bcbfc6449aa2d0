import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/** `webhooks.include_media_base64`: deliveries of received media carry the file itself (WEBHOOKS.md). */
export async function up(db: AnyDb): Promise<void> {
  await sql`ALTER TABLE webhooks ADD COLUMN include_media_base64 boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`ALTER TABLE webhooks DROP COLUMN include_media_base64`.execute(db);
}
