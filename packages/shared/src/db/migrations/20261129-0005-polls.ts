import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * What decrypting a poll's votes needs, one row per poll an instance sent or received: the
 * poll's `messageSecret`, its option names (a vote names options by their SHA-256) and who
 * created it, plus the latest vote of each voter.
 *
 * A table of its own rather than a key in `messages.content`: content is what the API and the
 * message events show, and the secret must never be shown. It is stored in clear, unlike the
 * session keys: it only protects vote payloads that travel inside Signal envelopes (whose keys
 * are sealed), and the votes it decrypts are stored in clear beside it — sealing it would guard
 * nothing a database reader does not already see, and would tie polls to the key rotation.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('polls')
    .addColumn('instance_id', 'uuid', (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('wa_message_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'uuid', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('creator_jid', 'text')
    .addColumn('creator_lid', 'text')
    .addColumn('options', 'jsonb', (c) => c.notNull())
    .addColumn('secret', 'bytea', (c) => c.notNull())
    .addColumn('votes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('polls_pkey', ['instance_id', 'wa_message_id'])
    .execute();
  // Deleting messages cascades here: without it every deleted message scans the table.
  await db.schema.createIndex('polls_message').on('polls').column('message_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('polls').ifExists().execute();
}
