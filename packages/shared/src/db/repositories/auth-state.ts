import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import { type Fence, instanceOwnershipRepo } from './instance-ownership.ts';

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

  /** Deletes the credentials and every key (logout, logged out by the phone). Fenced. */
  async clear(db: Db, fence: Fence): Promise<void> {
    await instanceOwnershipRepo.fenced(db, fence, async (trx) => {
      await trx.deleteFrom('wa_auth_keys').where('instance_id', '=', fence.instanceId).execute();
      await trx.deleteFrom('wa_auth_creds').where('instance_id', '=', fence.instanceId).execute();
    });
  },

  /**
   * Key rotation: re-encrypts every row not under `currentKeyId` with `reseal(value, context)`
   * (contexts: `wa_auth_creds/<instance>` and `wa_auth_keys/<instance>/<type>/<id>`, as the
   * session-worker's auth store uses). Each row is a compare-and-set on its old ciphertext, so a
   * worker writing meanwhile always wins; run it again until it reports 0. Returns rows rewritten.
   */
  async resealStale(
    db: Db,
    currentKeyId: string,
    reseal: (value: SealedValue, context: string) => SealedValue,
    batchSize = 500,
  ): Promise<number> {
    let rewritten = 0;
    const creds = await db
      .selectFrom('wa_auth_creds')
      .select(['instance_id', 'key_id', 'ciphertext'])
      .where('key_id', '!=', currentKeyId)
      .execute();
    for (const row of creds) {
      const next = reseal({ keyId: row.key_id, ciphertext: row.ciphertext }, `wa_auth_creds/${row.instance_id}`);
      const result = await db
        .updateTable('wa_auth_creds')
        .set({ key_id: next.keyId, ciphertext: next.ciphertext })
        .where('instance_id', '=', row.instance_id)
        .where('key_id', '=', row.key_id)
        .where('ciphertext', '=', row.ciphertext)
        .executeTakeFirst();
      rewritten += Number(result.numUpdatedRows);
    }
    let after: { instance_id: string; type: string; id: string } | undefined;
    for (;;) {
      let query = db
        .selectFrom('wa_auth_keys')
        .select(['instance_id', 'type', 'id', 'key_id', 'ciphertext'])
        .where('key_id', '!=', currentKeyId)
        .orderBy('instance_id')
        .orderBy('type')
        .orderBy('id')
        .limit(batchSize);
      if (after) {
        const a = after;
        query = query.where((eb) =>
          eb(eb.refTuple('instance_id', 'type', 'id'), '>', eb.tuple(a.instance_id, a.type, a.id)),
        );
      }
      const rows = await query.execute();
      for (const row of rows) {
        const next = reseal(
          { keyId: row.key_id, ciphertext: row.ciphertext },
          `wa_auth_keys/${row.instance_id}/${row.type}/${row.id}`,
        );
        const result = await db
          .updateTable('wa_auth_keys')
          .set({ key_id: next.keyId, ciphertext: next.ciphertext })
          .where('instance_id', '=', row.instance_id)
          .where('type', '=', row.type)
          .where('id', '=', row.id)
          .where('key_id', '=', row.key_id)
          .where('ciphertext', '=', row.ciphertext)
          .executeTakeFirst();
        rewritten += Number(result.numUpdatedRows);
      }
      if (rows.length < batchSize) return rewritten;
      const last = rows.at(-1)!;
      after = { instance_id: last.instance_id, type: last.type, id: last.id };
    }
  },

  async hasCreds(db: Db, instanceId: string): Promise<boolean> {
    return (await authStateRepo.getCreds(db, instanceId)) !== undefined;
  },
};
