import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../schema.ts';
import { type Fence, heldFences, heldFencesSql, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';

type Db = Kysely<DB>;

/** One encrypted value as stored: the keyring entry's id beside the ciphertext. */
export interface SealedValue {
  keyId: string;
  ciphertext: Uint8Array;
}

export interface KeyRef {
  type: string;
  id: string;
}

/** One instance's key upserts, under its fence. */
export interface KeyUpserts {
  fence: Fence;
  upserts: Array<KeyRef & SealedValue>;
}

export interface AuthStateChanges {
  creds?: SealedValue;
  upserts?: Array<KeyRef & SealedValue>;
  deletes?: KeyRef[];
}

/** Rows per statement: big enough for the 812 pre-keys of a pairing, small enough for one round trip. */
const BATCH = 400;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The last change of each (type, id) wins: one statement may not touch a row twice. */
function lastPerKey<T extends KeyRef>(items: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(`${item.type}\u0000${item.id}`, item);
  return [...byKey.values()];
}

/** Up to this many key rows, a write is one statement (every message sent updates a session or two). */
const ONE_STATEMENT_ROWS = 32;

/**
 * The common small write (a Signal session ratchet per message) as ONE statement: the fence CTE
 * takes assertFence's shared lock and every change applies only if it holds — the guarantees of
 * the fenced transaction in one round trip instead of four.
 */
async function writeInOneStatement(
  db: Db,
  fence: Fence,
  creds: SealedValue | undefined,
  upserts: Array<KeyRef & SealedValue>,
  deletes: KeyRef[],
): Promise<void> {
  const instanceId = sql`${fence.instanceId}::uuid`;
  const parts = [
    sql`fence AS (${instanceOwnershipRepo.fenceSql(fence)})`,
    creds &&
      sql`creds AS (
        INSERT INTO wa_auth_creds (instance_id, key_id, ciphertext)
        SELECT ${instanceId}, ${creds.keyId}::text, ${Buffer.from(creds.ciphertext)}::bytea FROM fence
        ON CONFLICT (instance_id) DO UPDATE
          SET key_id = excluded.key_id, ciphertext = excluded.ciphertext, updated_at = now())`,
    upserts.length > 0 &&
      sql`upserted AS (
        INSERT INTO wa_auth_keys (instance_id, type, id, key_id, ciphertext)
        SELECT ${instanceId}, v.type, v.id, v.key_id, v.ciphertext
        FROM (VALUES ${sql.join(
          upserts.map(
            (u) => sql`(${u.type}::text, ${u.id}::text, ${u.keyId}::text, ${Buffer.from(u.ciphertext)}::bytea)`,
          ),
        )}) AS v (type, id, key_id, ciphertext)
        WHERE EXISTS (SELECT 1 FROM fence)
        ON CONFLICT (instance_id, type, id) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext)`,
    deletes.length > 0 &&
      sql`deleted AS (
        DELETE FROM wa_auth_keys
        WHERE instance_id = ${instanceId}
          AND (type, id) IN (VALUES ${sql.join(deletes.map((d) => sql`(${d.type}::text, ${d.id}::text)`))})
          AND EXISTS (SELECT 1 FROM fence))`,
  ].filter((part) => part !== undefined && part !== false);
  const { rows } = await sql<{ held: number }>`WITH ${sql.join(parts)} SELECT count(*)::int AS held FROM fence`.execute(
    db,
  );
  if (!rows[0]?.held) throw StaleFenceError.of(fence);
}

/**
 * Baileys auth state (creds + Signal keys) in `wa_auth_creds` / `wa_auth_keys`. Values arrive
 * encrypted; this layer never sees plaintext. Every write runs in one transaction that first
 * checks the instance's fencing token, so a stale owner's write is rejected (StaleFenceError)
 * and never half-applied.
 */
export const authStateRepo = {
  async getCreds(db: Db, instanceId: string): Promise<SealedValue | undefined> {
    const row = await db
      .selectFrom('wa_auth_creds')
      .select(['key_id', 'ciphertext'])
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return row && { keyId: row.key_id, ciphertext: row.ciphertext };
  },

  async getKeys(db: Db, instanceId: string, type: string, ids: string[]): Promise<Array<KeyRef & SealedValue>> {
    if (ids.length === 0) return [];
    const out: Array<KeyRef & SealedValue> = [];
    for (const batch of chunks([...new Set(ids)], BATCH)) {
      const rows = await db
        .selectFrom('wa_auth_keys')
        .select(['type', 'id', 'key_id', 'ciphertext'])
        .where('instance_id', '=', instanceId)
        .where('type', '=', type)
        .where('id', 'in', batch)
        .execute();
      for (const r of rows) out.push({ type: r.type, id: r.id, keyId: r.key_id, ciphertext: r.ciphertext });
    }
    return out;
  },

  async write(db: Db, fence: Fence, changes: AuthStateChanges): Promise<void> {
    const upserts = lastPerKey(changes.upserts ?? []);
    const upserted = new Set(upserts.map((u) => `${u.type}\u0000${u.id}`));
    const deletes = lastPerKey(changes.deletes ?? []).filter((d) => !upserted.has(`${d.type}\u0000${d.id}`));
    if (!changes.creds && upserts.length === 0 && deletes.length === 0) return;
    if (upserts.length + deletes.length <= ONE_STATEMENT_ROWS) {
      return writeInOneStatement(db, fence, changes.creds, upserts, deletes);
    }
    await instanceOwnershipRepo.fenced(db, fence, async (trx) => {
      if (changes.creds) {
        const { keyId, ciphertext } = changes.creds;
        await trx
          .insertInto('wa_auth_creds')
          .values({ instance_id: fence.instanceId, key_id: keyId, ciphertext })
          .onConflict((oc) =>
            oc.column('instance_id').doUpdateSet({ key_id: keyId, ciphertext, updated_at: new Date() }),
          )
          .execute();
      }
      for (const batch of chunks(upserts, BATCH)) {
        await trx
          .insertInto('wa_auth_keys')
          .values(
            batch.map((u) => ({
              instance_id: fence.instanceId,
              type: u.type,
              id: u.id,
              key_id: u.keyId,
              ciphertext: u.ciphertext,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['instance_id', 'type', 'id']).doUpdateSet((eb) => ({
              key_id: eb.ref('excluded.key_id'),
              ciphertext: eb.ref('excluded.ciphertext'),
            })),
          )
          .execute();
      }
      const byType = new Map<string, string[]>();
      for (const d of deletes) byType.set(d.type, [...(byType.get(d.type) ?? []), d.id]);
      for (const [type, ids] of byType) {
        for (const batch of chunks(ids, BATCH)) {
          await trx
            .deleteFrom('wa_auth_keys')
            .where('instance_id', '=', fence.instanceId)
            .where('type', '=', type)
            .where('id', 'in', batch)
            .execute();
        }
      }
    });
  },

  /**
   * Signal-key upserts of many instances in ONE statement (group commit: every message sent
   * updates a session or two), each under its own fence: an item whose fence does not hold
   * writes nothing and is answered with a StaleFenceError. One item per instance per call.
   */
  async upsertKeysMany(db: Db, items: readonly KeyUpserts[]): Promise<Array<undefined | Error>> {
    const { rows: result } = await sql<{ held: string[] }>`
      WITH fence AS (${instanceOwnershipRepo.fenceSetSql(items.map((i) => i.fence))})
      ${authStateRepo.upsertKeysCte(items)}
      SELECT ${heldFencesSql} AS held FROM fence`.execute(db);
    const held = heldFences(result[0]?.held);
    return items.map(({ fence }) => (held(fence) ? undefined : StaleFenceError.of(fence)));
  },

  /**
   * `upsertKeysMany`'s write as a further CTE (`, upserted AS (…)`) of a statement whose `fence`
   * CTE holds the fences that held: the keys of a send pass commit with its `sent` writes.
   */
  upsertKeysCte(items: readonly KeyUpserts[]): RawBuilder<unknown> {
    const rows = items.flatMap(({ fence, upserts }) => lastPerKey(upserts).map((u) => ({ fence, ...u })));
    const col = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    return sql`, upserted AS (
        INSERT INTO wa_auth_keys (instance_id, type, id, key_id, ciphertext)
        SELECT v.instance_id, v.type, v.id, v.key_id, v.ciphertext
        FROM unnest(${col((r) => r.fence.instanceId)}::uuid[], ${col((r) => r.fence.token)}::bigint[],
          ${col((r) => r.type)}::text[], ${col((r) => r.id)}::text[], ${col((r) => r.keyId)}::text[],
          ${col((r) => Buffer.from(r.ciphertext))}::bytea[]) AS v (instance_id, token, type, id, key_id, ciphertext)
        WHERE (v.instance_id, v.token) IN (SELECT id, token FROM fence)
        ON CONFLICT (instance_id, type, id) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext)`;
  },

  /** Deletes the credentials and every key (logout, logged out by the phone). Fenced. */
  async clear(db: Db, fence: Fence): Promise<void> {
    await instanceOwnershipRepo.fenced(db, fence, async (trx) => {
      await trx.deleteFrom('wa_auth_keys').where('instance_id', '=', fence.instanceId).execute();
      await trx.deleteFrom('wa_auth_creds').where('instance_id', '=', fence.instanceId).execute();
    });
  },
};
