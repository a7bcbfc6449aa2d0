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
  /** Deliveries of received media carry the file as base64 (default false). */
  includeMediaBase64?: boolean | undefined;
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
      include_media_base64: input.includeMediaBase64 ?? false,
    })
    .onConflict((oc) =>
      oc.column('instance_id').doUpdateSet({
        url: input.url,
        events,
        enabled: input.enabled,
        headers,
        include_media_base64: input.includeMediaBase64 ?? false,
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
