import type { DeliveryWithAttempts } from '@turbozap/shared/db/repositories/webhooks';
import type { WebhookRow } from '@turbozap/shared/db/schema';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';

/** An instance's webhook. The signing secret is told only by the call that sets it. */
export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  /** Event types delivered; empty: every event. */
  events: z.array(z.string()),
  enabled: z.boolean(),
  /** Extra headers sent with every delivery. */
  headers: z.record(z.string(), z.string()),
  include_media_base64: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
type WebhookView = z.input<typeof webhookSchema>;

/** What `set` answers: the webhook and its secret (`whsec_…`), to keep for checking signatures. */
export const webhookWithSecretSchema = webhookSchema.extend({ secret: z.string() });

export function webhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    headers: row.headers,
    include_media_base64: row.include_media_base64,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** One event's delivery to the webhook, with every attempt made. */
export const deliverySchema = z.object({
  id: z.string(),
  /** The event's id, also sent as X-TurboZap-Event-Id: the same on every attempt and replay. */
  event_id: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  /** Attempts in the current round (a replay starts a new one). */
  attempts: z.number().int(),
  next_attempt_at: timestamp,
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_duration_ms: z.number().nullable(),
  payload: z.record(z.string(), z.unknown()),
  created_at: timestamp,
  delivered_at: timestamp.nullable(),
  attempt_log: z.array(
    z.object({
      attempt: z.number().int(),
      status_code: z.number().int().nullable(),
      error: z.string().nullable(),
      duration_ms: z.number(),
      at: timestamp,
    }),
  ),
});

export function deliveryView(d: DeliveryWithAttempts): z.input<typeof deliverySchema> {
  return {
    id: d.id,
    event_id: d.event_id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.next_attempt_at,
    last_status: d.last_status,
    last_error: d.last_error,
    last_duration_ms: d.last_duration_ms,
    payload: d.payload,
    created_at: d.created_at,
    delivered_at: d.delivered_at,
    attempt_log: d.attempt_log.map((a) => ({
      attempt: a.attempt,
      status_code: a.status_code,
      error: a.error,
      duration_ms: a.duration_ms,
      at: a.at,
    })),
  };
}
