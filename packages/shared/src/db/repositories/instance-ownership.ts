import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { DesiredState, InstanceStatus } from '../tables/instances.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A session-worker's right to act for an instance: who it is and the fencing token it claimed. */
export interface Fence {
  instanceId: string;
  worker: string;
  token: number;
}

/** What the reconciliation loop needs to know about every instance. */
export interface OwnershipView {
  id: string;
  name: string;
  desired_state: DesiredState;
  status: InstanceStatus;
  owner_worker: string | null;
  owner_token: number;
  /** Milliseconds since the owner last renewed (null: never). Measured on the database clock. */
  owner_age_ms: number | null;
  has_creds: boolean;
  /** The stored settings (`contracts/settings.ts` resolves them): a new owner applies them at takeover. */
  settings: Record<string, unknown>;
}

/** A write carrying a fencing token older than the instance's current one (a "zombie" owner). */
export class StaleFenceError extends Error {
  readonly instanceId: string;
  readonly token: number;
  constructor(instanceId: string, token: number) {
    super(`fencing token ${token} for instance ${instanceId} is no longer current`);
    this.name = 'StaleFenceError';
    this.instanceId = instanceId;
    this.token = token;
  }

  static of(fence: Fence): StaleFenceError {
    return new StaleFenceError(fence.instanceId, fence.token);
  }
}

/**
 * The fences of a `fenceSetSql` CTE named `fence` that held, as one text[]:
 * `SELECT ${heldFencesSql} AS held FROM fence`, read back with `heldFences`.
 */
export const heldFencesSql = sql<string[]>`coalesce(array_agg(id::text || ':' || token::text), '{}')`;

/** Whether a fence held, from the array `heldFencesSql` returned. */
export function heldFences(keys: readonly string[] | null | undefined): (fence: Fence) => boolean {
  const held = new Set(keys ?? []);
  return (fence) => held.has(`${fence.instanceId}:${fence.token}`);
}

const olderThan = (ms: number) => sql<Date>`now() - make_interval(secs => ${ms / 1000})`;

/**
 * Ownership of instances by session-workers (ARCHITECTURE §4). The fencing token lives here,
 * not in Redis, so a Redis restart cannot reset it: every acquisition increments it, and every
 * write a worker makes for an instance first checks it (`assertFence`) inside its transaction.
 */
export const instanceOwnershipRepo = {
  /**
   * Takes ownership and returns the new token, or null when the instance is gone or another
   * owner renewed within `ttlMs` (its sockets may still be open even if its Redis lease vanished).
   */
  async claim(db: Db, instanceId: string, worker: string, ttlMs: number): Promise<number | null> {
    const row = await db
      .updateTable('instances')
      .set({
        owner_token: sql`owner_token + 1`,
        owner_worker: worker,
        owner_seen_at: sql`now()`,
        // A `connected` written by the previous owner is not true of the new one until it says so.
        status: sql`CASE WHEN status = 'connected' AND owner_worker IS DISTINCT FROM ${worker} THEN 'connecting' ELSE status END`,
      })
      .where('id', '=', instanceId)
      .where((eb) =>
        eb.or([
          eb('owner_worker', 'is', null),
          eb('owner_worker', '=', worker),
          eb('owner_seen_at', 'is', null),
          eb('owner_seen_at', '<', olderThan(ttlMs)),
        ]),
      )
      .returning('owner_token')
      .executeTakeFirst();
    return row ? Number(row.owner_token) : null;
  },

  /** Refreshes the owner's liveness; false when the fence is stale or the row is gone. */
  async renew(db: Db, fence: Fence): Promise<boolean> {
    const result = await db
      .updateTable('instances')
      .set({ owner_seen_at: sql`now()` })
      .where('id', '=', fence.instanceId)
      .where('owner_token', '=', fence.token)
      .where('owner_worker', '=', fence.worker)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** Hands the instance back so a survivor can claim it at once (no TTL wait). */
  async release(db: Db, fence: Fence): Promise<boolean> {
    const result = await db
      .updateTable('instances')
      .set({ owner_worker: null, owner_seen_at: null })
      .where('id', '=', fence.instanceId)
      .where('owner_token', '=', fence.token)
      .where('owner_worker', '=', fence.worker)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /**
   * Inside a transaction: locks the instance row (shared) and throws StaleFenceError unless
   * `fence` is still current, so a concurrent claim waits for this transaction and a stale
   * holder's write never commits.
   */
  async assertFence(trx: Transaction<DB>, fence: Fence): Promise<void> {
    const row = await trx
      .selectFrom('instances')
      .select(['owner_token', 'owner_worker'])
      .where('id', '=', fence.instanceId)
      .forShare()
      .executeTakeFirst();
    if (!row || Number(row.owner_token) !== fence.token || row.owner_worker !== fence.worker) {
      throw StaleFenceError.of(fence);
    }
  },

  /**
   * The fence as a query to use inside one statement (a CTE): the instance row, locked shared,
   * only while `fence` is current. Statements that write only when it returns a row get
   * assertFence's guarantee without a transaction around them.
   */
  fenceSql(fence: Fence): RawBuilder<{ id: string }> {
    return sql`SELECT id FROM instances
      WHERE id = ${fence.instanceId} AND owner_token = ${fence.token} AND owner_worker = ${fence.worker}
      FOR SHARE`;
  },

  /**
   * `fenceSql` for several fences at once (group commit): `(id, token)` of each instance whose
   * fence is current, share-locked in id order.
   */
  fenceSetSql(fences: readonly Fence[]): RawBuilder<{ id: string; token: string }> {
    // A batch carries one fence per item, mostly the same few: each distinct one is checked once.
    const distinct = [...new Map(fences.map((f) => [`${f.instanceId}:${f.token}:${f.worker}`, f])).values()];
    return sql`SELECT i.id, f.token FROM instances i
      JOIN unnest(${distinct.map((f) => f.instanceId)}::uuid[], ${distinct.map((f) => f.token)}::bigint[],
        ${distinct.map((f) => f.worker)}::text[]) AS f(id, token, worker)
        ON i.id = f.id AND i.owner_token = f.token AND i.owner_worker = f.worker
      ORDER BY i.id
      FOR SHARE OF i`;
  },

  /** Runs `work` in a transaction that first checks the fence (see assertFence). */
  fenced<T>(db: Kysely<DB>, fence: Fence, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return db.transaction().execute(async (trx) => {
      await instanceOwnershipRepo.assertFence(trx, fence);
      return work(trx);
    });
  },

  /** Live status (and identity once known), fenced. False when the fence is stale. */
  async setStatus(
    db: Db,
    fence: Fence,
    status: InstanceStatus,
    identity: { jid?: string | null; lid?: string | null; pushName?: string | null } = {},
  ): Promise<boolean> {
    const result = await db
      .updateTable('instances')
      .set({
        status,
        updated_at: sql`now()`,
        ...(identity.jid !== undefined ? { jid: identity.jid } : {}),
        ...(identity.lid !== undefined ? { lid: identity.lid } : {}),
        ...(identity.pushName !== undefined ? { push_name: identity.pushName } : {}),
      })
      .where('id', '=', fence.instanceId)
      .where('owner_token', '=', fence.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async touchActivity(db: Db, fence: Fence, at: Date): Promise<void> {
    await db
      .updateTable('instances')
      .set({ last_activity_at: at })
      .where('id', '=', fence.instanceId)
      .where('owner_token', '=', fence.token)
      .execute();
  },

  /** One row per instance, with its owner's age on the database clock (replicas' clocks may differ). */
  async list(db: Db): Promise<OwnershipView[]> {
    return (await viewQuery(db).orderBy('instances.id').execute()).map(toView);
  },

  async get(db: Db, instanceId: string): Promise<OwnershipView | undefined> {
    const row = await viewQuery(db).where('instances.id', '=', instanceId).executeTakeFirst();
    return row && toView(row);
  },
};

function viewQuery(db: Db) {
  return db
    .selectFrom('instances')
    .select((eb) => [
      'instances.id',
      'instances.name',
      'instances.desired_state',
      'instances.status',
      'instances.owner_worker',
      'instances.owner_token',
      'instances.settings',
      sql<number | null>`(extract(epoch from (now() - instances.owner_seen_at)) * 1000)::float8`.as('owner_age_ms'),
      eb
        .exists(
          eb
            .selectFrom('wa_auth_creds')
            .select('instance_id')
            .whereRef('wa_auth_creds.instance_id', '=', 'instances.id'),
        )
        .as('has_creds'),
    ]);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

const toView = (r: ViewRow): OwnershipView => ({
  ...r,
  owner_token: Number(r.owner_token),
  owner_age_ms: r.owner_age_ms === null ? null : Number(r.owner_age_ms),
  has_creds: Boolean(r.has_creds),
});
