import { randomBytes, randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { eventTypes } from '../../contracts/events.ts';
import { validationFailed } from '../../errors/app-error.ts';
import type { DB } from '../schema.ts';
import type { DeliveryStatus, WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from '../tables/webhooks.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface WebhookInput {
  url: string;
  /** Event types to deliver; empty means every event. */
  events: string[];
  enabled: boolean;
  /** HMAC secret; generated when absent on create, kept when absent on update. */
  secret?: string | undefined;
  /** Extra request headers sent with every delivery. */
  headers?: Record<string, string> | undefined;
}

/** A delivery with every attempt made for it, oldest first (replays append, never rewrite). */
export interface DeliveryWithAttempts extends WebhookDeliveryRow {
  attempt_log: WebhookAttemptRow[];
}

/** Headers the dispatcher sets itself (or the HTTP client owns); a webhook may not override them. */
const reservedHeaders = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'user-agent',
]);
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const knownEvents: ReadonlySet<string> = new Set(eventTypes);

export const isReservedHeader = (name: string): boolean => {
  const lower = name.toLowerCase();
  return reservedHeaders.has(lower) || lower.startsWith('x-turbozap-');
};

/** Everything wrong with a webhook definition (URL reachability is checked separately, by net/). */
export function webhookInputProblems(input: WebhookInput): string[] {
  const problems: string[] = [];
  if (input.url.length === 0 || input.url.length > 2048) problems.push('url: 1 to 2048 characters');
  for (const event of input.events)
    if (!knownEvents.has(event)) problems.push(`events: unknown event ${JSON.stringify(event)}`);
  if (input.secret !== undefined && (input.secret.length < 16 || input.secret.length > 256))
    problems.push('secret: 16 to 256 characters');
  const headers = Object.entries(input.headers ?? {});
  if (headers.length > 20) problems.push('headers: at most 20');
  for (const [name, value] of headers) {
    if (!headerName.test(name)) problems.push(`headers: invalid name ${JSON.stringify(name)}`);
    else if (isReservedHeader(name)) problems.push(`headers: ${name} is set by TurboZap`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value) || value.length > 4096)
      problems.push(`headers: invalid value for ${name}`);
  }
  return problems;
}

export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Creates or replaces the instance's webhook (one per instance; its id survives updates).
 * Throws validation_failed for a bad definition. Returns the row, secret included.
 */
export async function setWebhook(db: Db, instanceId: string, input: WebhookInput): Promise<WebhookRow> {
  const problems = webhookInputProblems(input);
  if (problems.length > 0) throw validationFailed(problems);
  const events = [...new Set(input.events)];
  const headers = JSON.stringify(input.headers ?? {});
  return db
    .insertInto('webhooks')
    .values({
      id: randomUUID(),
      instance_id: instanceId,
      url: input.url,
      events,
      secret: input.secret ?? generateWebhookSecret(),
      enabled: input.enabled,
      headers,
    })
    .onConflict((oc) =>
      oc.column('instance_id').doUpdateSet({
        url: input.url,
        events,
        enabled: input.enabled,
        headers,
        updated_at: sql`now()`,
        ...(input.secret !== undefined ? { secret: input.secret } : {}),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getWebhook(db: Db, instanceId: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
}

/** Deletes the webhook and, by cascade, its delivery log. False when there was none. */
export async function deleteWebhook(db: Db, instanceId: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('instance_id', '=', instanceId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function setEnabled(db: Db, instanceId: string, enabled: boolean): Promise<WebhookRow | undefined> {
  return db
    .updateTable('webhooks')
    .set({ enabled, updated_at: sql`now()` })
    .where('instance_id', '=', instanceId)
    .returningAll()
    .executeTakeFirst();
}

async function withAttempts(db: Db, rows: WebhookDeliveryRow[]): Promise<DeliveryWithAttempts[]> {
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('delivery_id')
    .orderBy('attempt')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, attempt_log: attempts.filter((a) => a.delivery_id === row.id) }));
}

/** The instance's delivery log, newest first; page with `before` (the last row's created_at). */
export async function listDeliveries(
  db: Db,
  instanceId: string,
  q: { limit: number; before?: Date | undefined; status?: DeliveryStatus | undefined },
): Promise<DeliveryWithAttempts[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('instance_id', '=', instanceId);
  if (q.before) query = query.where('created_at', '<', q.before);
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  return withAttempts(db, rows);
}

/** One delivery with its attempts; pass instanceId to scope the lookup to an instance's key. */
export async function getDelivery(
  db: Db,
  deliveryId: string,
  instanceId?: string,
): Promise<DeliveryWithAttempts | undefined> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId);
  if (instanceId !== undefined) query = query.where('instance_id', '=', instanceId);
  const row = await query.executeTakeFirst();
  return row ? (await withAttempts(db, [row]))[0] : undefined;
}

/**
 * Sends a delivery again: back to pending, due now, with a fresh retry budget (`attempts`
 * counts the current round; the attempt log keeps every earlier attempt). The event id and
 * payload stay the same, so receivers that de-duplicate on X-TurboZap-Event-Id see a repeat.
 * An attempt in flight when this runs is logged but cannot finish the replayed delivery.
 */
export function replayDelivery(
  db: Db,
  deliveryId: string,
  instanceId?: string,
): Promise<WebhookDeliveryRow | undefined> {
  let query = db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()`, locked_until: null, delivered_at: null })
    .where('id', '=', deliveryId);
  if (instanceId !== undefined) query = query.where('instance_id', '=', instanceId);
  return query.returningAll().executeTakeFirst();
}

// --- The dispatcher's side (sender-worker) -------------------------------------------------

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
      payload: JSON.stringify(d.payload),
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
    RETURNING d.*, w.url, w.secret, w.headers AS webhook_headers, w.enabled`.execute(db);
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

export const webhooksRepo = {
  setWebhook,
  getWebhook,
  deleteWebhook,
  setEnabled,
  listDeliveries,
  getDelivery,
  replayDelivery,
  insertDelivery,
  insertDeliveries,
  claimDueDeliveries,
  finishAttempt,
  finishAttempts,
  releaseClaims,
  pruneSettledDeliveries,
};
