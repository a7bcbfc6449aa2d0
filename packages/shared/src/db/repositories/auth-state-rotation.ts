import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import type { SealedValue } from './auth-state.ts';

type Db = Kysely<DB>;

/** Rows a re-seal could not re-encrypt, per table, instance and key id (never the key names, which may embed phone numbers). */
export interface ResealFailure {
  table: 'wa_auth_creds' | 'wa_auth_keys';
  instanceId: string;
  keyId: string;
  rows: number;
}

export interface ResealReport {
  /** Rows rewritten under the current key. */
  resealed: number;
  /** Rows a session-worker rewrote between our read and our write: its write was kept. */
  raced: number;
  failed: ResealFailure[];
}

/** Session-key rotation (`turbozap session-keys`): what is sealed under which key, and re-sealing. */
export const authStateRotationRepo = {
  /**
   * Key rotation: re-encrypts every row not under `currentKeyId` with `reseal(value, context)`
   * (contexts: `wa_auth_creds/<instance>` and `wa_auth_keys/<instance>/<type>/<id>`, as the
   * session-worker's auth store uses), `batchSize` rows read at a time. Each row is its own
   * compare-and-set on its old key id and ciphertext, so a session-worker's fenced write made
   * meanwhile always wins (counted as `raced`), and no statement ever holds more than one row
   * lock (a multi-row UPDATE could deadlock with a worker's batched upsert, and the worker
   * would be the one to lose its write). A row `reseal` throws on is left as it is and counted.
   */
  async resealStale(
    db: Db,
    currentKeyId: string,
    reseal: (value: SealedValue, context: string) => SealedValue | Promise<SealedValue>,
    batchSize = 500,
  ): Promise<ResealReport> {
    const report: ResealReport = { resealed: 0, raced: 0, failed: [] };
    const failed = new Map<string, ResealFailure>();
    const attempt = async (
      table: ResealFailure['table'],
      instanceId: string,
      keyId: string,
      value: SealedValue,
      context: string,
    ) => {
      try {
        return await reseal(value, context);
      } catch {
        const key = `${table}\u0000${instanceId}\u0000${keyId}`;
        const entry = failed.get(key) ?? { table, instanceId, keyId, rows: 0 };
        entry.rows++;
        failed.set(key, entry);
        return undefined;
      }
    };
    const tally = (updated: bigint) => {
      if (updated > 0n) report.resealed++;
      else report.raced++;
    };

    let afterInstance: string | undefined;
    for (;;) {
      let query = db
        .selectFrom('wa_auth_creds')
        .select(['instance_id', 'key_id', 'ciphertext'])
        .where('key_id', '!=', currentKeyId)
        .orderBy('instance_id')
        .limit(batchSize);
      if (afterInstance !== undefined) query = query.where('instance_id', '>', afterInstance);
      const rows = await query.execute();
      for (const row of rows) {
        const old = { keyId: row.key_id, ciphertext: row.ciphertext };
        const next = await attempt(
          'wa_auth_creds',
          row.instance_id,
          row.key_id,
          old,
          `wa_auth_creds/${row.instance_id}`,
        );
        if (!next) continue;
        const result = await db
          .updateTable('wa_auth_creds')
          .set({ key_id: next.keyId, ciphertext: next.ciphertext })
          .where('instance_id', '=', row.instance_id)
          .where('key_id', '=', row.key_id)
          .where('ciphertext', '=', row.ciphertext)
          .executeTakeFirst();
        tally(result.numUpdatedRows);
      }
      if (rows.length < batchSize) break;
      afterInstance = rows.at(-1)!.instance_id;
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
        const old = { keyId: row.key_id, ciphertext: row.ciphertext };
        const context = `wa_auth_keys/${row.instance_id}/${row.type}/${row.id}`;
        const next = await attempt('wa_auth_keys', row.instance_id, row.key_id, old, context);
        if (!next) continue;
        const result = await db
          .updateTable('wa_auth_keys')
          .set({ key_id: next.keyId, ciphertext: next.ciphertext })
          .where('instance_id', '=', row.instance_id)
          .where('type', '=', row.type)
          .where('id', '=', row.id)
          .where('key_id', '=', row.key_id)
          .where('ciphertext', '=', row.ciphertext)
          .executeTakeFirst();
        tally(result.numUpdatedRows);
      }
      if (rows.length < batchSize) break;
      const last = rows.at(-1)!;
      after = { instance_id: last.instance_id, type: last.type, id: last.id };
    }
    report.failed = [...failed.values()];
    return report;
  },

  /** Rows per key id in each table: what a rotation still has to re-seal before an old key can go. */
  async countByKeyId(db: Db): Promise<Array<{ table: ResealFailure['table']; keyId: string; rows: number }>> {
    const out: Array<{ table: ResealFailure['table']; keyId: string; rows: number }> = [];
    for (const table of ['wa_auth_creds', 'wa_auth_keys'] as const) {
      const rows = await db
        .selectFrom(table)
        .select(['key_id', db.fn.countAll<string>().as('rows')])
        .groupBy('key_id')
        .orderBy('key_id')
        .execute();
      for (const r of rows) out.push({ table, keyId: r.key_id, rows: Number(r.rows) });
    }
    return out;
  },
};
