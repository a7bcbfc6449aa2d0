import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * `events_outbox.seq`: a strictly increasing cursor for SSE replay (`Last-Event-ID`). One
 * statement can write many events with one `created_at`, so a timestamp cannot say which of
 * them a client already has. Rows already stored are numbered by (created_at, id) before the
 * identity takes over — their physical order is not their age (every mark rewrites a row) —
 * so a client resuming from an event id issued before this migration resumes in order.
 */
export async function up(db: AnyDb): Promise<void> {
  await sql`ALTER TABLE events_outbox ADD COLUMN seq bigint`.execute(db);
  await sql`
    UPDATE events_outbox SET seq = numbered.n
    FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM events_outbox) numbered
    WHERE events_outbox.id = numbered.id`.execute(db);
  await sql`ALTER TABLE events_outbox ALTER COLUMN seq SET NOT NULL`.execute(db);
  await sql`ALTER TABLE events_outbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY`.execute(db);
  await sql`
    SELECT setval(pg_get_serial_sequence('events_outbox', 'seq'), coalesce(max(seq), 0) + 1, false)
    FROM events_outbox`.execute(db);
  // Replay reads one instance's events after a cursor, in order.
  await db.schema
    .createIndex('events_outbox_instance_seq')
    .on('events_outbox')
    .columns(['instance_id', 'seq'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('events_outbox_instance_seq').ifExists().execute();
  await db.schema.alterTable('events_outbox').dropColumn('seq').execute();
}
