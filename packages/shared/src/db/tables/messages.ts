import type { ColumnType, Generated, Selectable } from 'kysely';

export const messageStatuses = [
  'queued',
  'preparing',
  'ready',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
  'expired',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export const finalStatuses: readonly MessageStatus[] = ['read', 'failed', 'cancelled', 'expired'];
export type Direction = 'outbound' | 'inbound';

export interface StatusChange {
  status: MessageStatus;
  at: string;
  reason?: string;
}

export interface MessagesTable {
  id: string;
  instance_id: string;
  direction: Direction;
  /** Per-instance acceptance order; per chat, sends follow it. */
  seq: Generated<number>;
  remote_jid: string;
  type: string;
  content: ColumnType<Record<string, unknown>, string, string>;
  media_key: string | null;
  status: MessageStatus;
  history: ColumnType<StatusChange[], string, string>;
  wa_message_id: string | null;
  /** Author of a received group message (WhatsApp's `key.participant`): its read receipt names them. */
  participant: string | null;
  error: string | null;
  idempotency_key: string | null;
  /** Set once the row reached the send queue; the relay publishes rows where it is null. */
  published_at: Date | null;
  expires_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type MessageRow = Selectable<MessagesTable>;
