import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * An instance's status timeline (`GET /instance/:name/status/history`) reads its latest
 * `connection.update` events. Message events outnumber them by thousands to one, so the
 * replay index alone would walk a busy instance's whole day to find a few: this one holds
 * only status changes.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('events_outbox_status_history')
    .on('events_outbox')
    .columns(['instance_id', 'seq'])
    .where(sql.ref('event'), '=', 'connection.update')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('events_outbox_status_history').ifExists().execute();
}
