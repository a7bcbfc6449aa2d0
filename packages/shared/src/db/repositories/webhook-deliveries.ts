import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { toJsonb } from '../jsonb.ts';
import type { DB } from '../schema.ts';
import type { DeliveryStatus, WebhookDeliveryRow } from '../tables/webhooks.ts';

type Db = Kysely<DB> | Transaction<DB>;

// The delivery pipeline's side of webhooks (sender-worker): delivery rows written from events,
// due attempts claimed, their outcomes recorded, settled rows pruned. Configuration and the
// delivery log the API serves are in webhooks.ts.

export interface NewDelivery {
  eventId: string;
  webhookId: string;
  instanceId: string;
  event: string;
  payload: Record<string, unknown>;
}

/** One row per (event, webhook): a redelivered event inserts nothing and returns undefined. */
export function insertDelivery(db: Db, d: NewDelivery): Promise<WebhookDeliveryRow | undefined> {
  return db
    .insertInto('webhook_deliveries')
    .values({
      id: randomUUID(),
      event_id: d.eventId,
      webhook_id: d.webhookId,
      instance_id: d.instanceId,
      event: d.event,
      payload: toJsonb(d.payload),
      status: 'pending',
      next_attempt_at: sql<Date>`now()`,
      locked_until: null,
      last_status: null,
      last_error: null,
      last_duration_ms: null,
      delivered_at: null,
    })
    .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * One row per (event, webhook) for a whole batch, in one statement: what `insertDelivery` does
 * per row. Returns the rows created (a redelivered event creates none). Rows are inserted in
 * (event_id, webhook_id) order, so two replicas inserting overlapping batches lock in the same order.
 */
export async function insertDeliveries(
  db: Db,
  deliveries: NewDelivery[],
): Promise<Pick<WebhookDeliveryRow, 'id' | 'event_id' | 'webhook_id'>[]> {
  if (deliveries.length === 0) return [];
  const rows = deliveries
    .map((d) => ({
      id: randomUUID(),
      event_id: d.eventId,
      webhook_id: d.webhookId,
      instance_id: d.instanceId,
      event: d.event,
      payload: d.payload,
    }))
    .sort((a, b) => compare(a.event_id, b.event_id) || compare(a.webhook_id, b.webhook_id));
  const result = await sql<Pick<WebhookDeliveryRow, 'id' | 'event_id' | 'webhook_id'>>`
    INSERT INTO webhook_deliveries (id, event_id, webhook_id, instance_id, event, payload, status, next_attempt_at)
    SELECT r.id, r.event_id, r.webhook_id, r.instance_id, r.event, r.payload, 'pending', now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           AS r(id uuid, event_id text, webhook_id uuid, instance_id uuid, event text, payload jsonb)
    ON CONFLICT (event_id, webhook_id) DO NOTHING
    RETURNING id, event_id, webhook_id`.execute(db);
  return result.rows;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A claimed delivery with what the attempt needs from its webhook. */
export interface ClaimedDelivery extends WebhookDeliveryRow {
  /** The attempt number this claim owns (attempts in the current round, from 1). */
  attempts: number;
  /** The claim's lease; also its token: finishing compares it. */
  locked_until: Date;
  url: string;
  secret: string;
  webhook_headers: Record<string, string>;
  enabled: boolean;
  include_media_base64: boolean;
}

/**
 * Claims due deliveries: FOR UPDATE SKIP LOCKED, then a short `locked_until` lease and the
 * attempt counter are set and committed at once, so no lock is held during the HTTP call and
 * two dispatchers never claim the same attempt. An expired lease (a dispatcher died) makes the
 * delivery due again, as its next attempt.
 */
export async function claimDueDeliveries(db: Db, q: { limit: number; lockMs: number }): Promise<ClaimedDelivery[]> {
  if (q.limit <= 0) return [];
  const result = await sql<ClaimedDelivery>`
    UPDATE webhook_deliveries AS d
       SET locked_until = date_trunc('milliseconds', now() + make_interval(secs => ${q.lockMs / 1000})),
           attempts = d.attempts + 1
      FROM webhooks AS w
     WHERE w.id = d.webhook_id
       AND d.id IN (
             SELECT id FROM webhook_deliveries
              WHERE status = 'pending'
                AND next_attempt_at <= now()
                AND (locked_until IS NULL OR locked_until <= now())
              ORDER BY next_attempt_at
              LIMIT ${q.limit}
                FOR UPDATE SKIP LOCKED)
    RETURNING d.*, w.url, w.secret, w.headers AS webhook_headers, w.enabled, w.include_media_base64`.execute(db);
  return result.rows;
}

/**
 * Gives back claims whose attempt was never started (a dispatcher stopping with claimed work
 * queued): the lease is dropped and the attempt counter restored, so the delivery is due again
 * at once and no retry is spent on an attempt that was not made. A claim no longer current
 * (replayed, or its lease expired and it was claimed again) is left alone. Returns how many
 * were released.
 */
export async function releaseClaims(
  db: Db,
  claims: Pick<ClaimedDelivery, 'id' | 'attempts' | 'locked_until'>[],
): Promise<number> {
  if (claims.length === 0) return 0;
  const rows = claims.map((c) => ({ id: c.id, attempts: c.attempts, locked_until: c.locked_until.toISOString() }));
  const result = await sql`
    UPDATE webhook_deliveries AS d
       SET locked_until = NULL,
           attempts = d.attempts - 1
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS c(id uuid, attempts int, locked_until timestamptz)
     WHERE d.id = c.id
       AND d.status = 'pending'
       AND d.attempts = c.attempts
       AND d.locked_until = c.locked_until`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  /** When `status` is pending: the next attempt is due this long from now. */
  retryInMs?: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** False when no request was made (e.g. the webhook was disabled): nothing is logged. */
  logAttempt: boolean;
}

/**
 * Records the attempt (appended to the log) and settles the delivery, but only if this claim
 * still owns it (same attempt, same lease): a replay or a newer claim is never overwritten.
 * Returns whether the delivery was settled.
 */
export async function finishAttempt(
  db: Kysely<DB>,
  claim: Pick<ClaimedDelivery, 'id' | 'attempts' | 'locked_until'>,
  outcome: AttemptOutcome,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (outcome.logAttempt) {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: claim.id,
          attempt: sql<number>`(SELECT coalesce(max(attempt), 0) + 1 FROM webhook_attempts WHERE delivery_id = ${claim.id})`,
          status_code: outcome.statusCode,
          error: outcome.error,
          duration_ms: Math.round(outcome.durationMs),
        })
        .execute();
    }
    const next =
      outcome.status === 'pending'
        ? sql<Date>`now() + make_interval(secs => ${(outcome.retryInMs ?? 0) / 1000})`
        : sql<Date>`next_attempt_at`;
    const settled = await trx
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        next_attempt_at: next,
        locked_until: null,
        last_status: outcome.statusCode,
        last_error: outcome.error,
        last_duration_ms: Math.round(outcome.durationMs),
        delivered_at: outcome.status === 'delivered' ? sql<Date>`now()` : null,
      })
      .where('id', '=', claim.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', claim.attempts)
      .where('locked_until', '=', claim.locked_until)
      .executeTakeFirst();
    return Number(settled.numUpdatedRows) > 0;
  });
}

export interface FinishedAttempt {
  claim: Pick<ClaimedDelivery, 'id' | 'attempts' | 'locked_until'>;
  outcome: AttemptOutcome;
}

/**
 * `finishAttempt` for a batch, in one statement (so one commit): every attempt is appended to
 * its delivery's log, and each delivery is settled only if its claim still owns it. Returns the
 * ids of the deliveries settled. A delivery finished twice in one batch (a stale claim and a
 * newer one) gets consecutive attempt numbers in batch order; a delivery deleted meanwhile (its
 * webhook was) logs nothing.
 */
export async function finishAttempts(db: Db, attempts: FinishedAttempt[]): Promise<Set<string>> {
  if (attempts.length === 0) return new Set();
  const rows = attempts.map(({ claim, outcome }, ord) => ({
    ord,
    id: claim.id,
    attempts: claim.attempts,
    locked_until: claim.locked_until.toISOString(),
    status: outcome.status,
    retry_ms: outcome.status === 'pending' ? (outcome.retryInMs ?? 0) : null,
    status_code: outcome.statusCode,
    error: outcome.error,
    duration_ms: Math.round(outcome.durationMs),
    log_attempt: outcome.logAttempt,
  }));
  const result = await sql<{ id: string }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             AS t(ord int, id uuid, attempts int, locked_until timestamptz, status text, retry_ms float8,
                  status_code int, error text, duration_ms int, log_attempt boolean)
    ), logged AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms)
      SELECT i.id,
             coalesce((SELECT max(a.attempt) FROM webhook_attempts a WHERE a.delivery_id = i.id), 0)
               + row_number() OVER (PARTITION BY i.id ORDER BY i.ord),
             i.status_code, i.error, i.duration_ms
        FROM input i
       WHERE i.log_attempt
         AND EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.id = i.id)
    )
    UPDATE webhook_deliveries AS d
       SET status = i.status,
           next_attempt_at = CASE WHEN i.status = 'pending'
                                  THEN now() + make_interval(secs => i.retry_ms / 1000)
                                  ELSE d.next_attempt_at END,
           locked_until = NULL,
           last_status = i.status_code,
           last_error = i.error,
           last_duration_ms = i.duration_ms,
           delivered_at = CASE WHEN i.status = 'delivered' THEN now() END
      FROM input i
     WHERE d.id = i.id
       AND d.status = 'pending'
       AND d.attempts = i.attempts
       AND d.locked_until = i.locked_until
    RETURNING d.id`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

/**
 * Deletes up to `limit` deliveries that ended `delivered` or `failed` and were created more
 * than `olderThanDays` ago, with their attempt log (by cascade). A pending delivery (first
 * attempt or retrying, a replay included) is never deleted: the status is re-checked under the
 * row lock, so a replay that wins the race keeps its row. Rows locked elsewhere are skipped.
 */
export async function pruneSettledDeliveries(db: Db, olderThanDays: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', sql<Date>`now() - make_interval(days => ${olderThanDays})`)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
