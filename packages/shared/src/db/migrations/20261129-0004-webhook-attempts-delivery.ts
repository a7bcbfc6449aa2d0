import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then
type AnyDb = Kysely<any>;

/**
 * A delivery's attempts are read by the delivery log (`GET /webhook/:name/deliveries`) and
 * deleted with it by the retention pruner (ON DELETE CASCADE). Without this index both scan the
 * whole attempts table, which grows with every attempt until pruned (docs/PERFORMANCE.md).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('webhook_attempts_delivery').ifExists().execute();
}
