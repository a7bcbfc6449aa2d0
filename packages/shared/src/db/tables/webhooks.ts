import type { ColumnType, Generated, Selectable } from 'kysely';

export interface WebhooksTable {
  id: string;
  instance_id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  headers: ColumnType<Record<string, string>, string, string>;
  /** Deliveries of received media carry the file as base64 (up to WEBHOOK_MEDIA_BASE64_MAX_BYTES). */
  include_media_base64: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type WebhookRow = Selectable<WebhooksTable>;

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  webhook_id: string;
  instance_id: string;
  event: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string, Date | string>;
  locked_until: Date | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
}
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: Generated<Date>;
}
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
