import { type MessageRow, messageStatuses } from '@turbozap/shared/db/schema';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';

/** A stored message, either direction, with its status history (API.md). */
export const messageSchema = z.object({
  id: z.string(),
  direction: z.enum(['outbound', 'inbound']),
  type: z.string(),
  remote_jid: z.string(),
  status: z.enum(messageStatuses),
  history: z.array(z.object({ status: z.enum(messageStatuses), at: z.string(), reason: z.string().optional() })),
  wa_message_id: z.string().nullable(),
  error: z.string().nullable(),
  /** What was sent or received, by type (the submitted base64 of a media message is never kept here). */
  content: z.record(z.string(), z.unknown()),
  /** Where the stored media is (`GET /message/:name/:id/media` streams it). */
  media_key: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export function messageView(m: MessageRow): z.input<typeof messageSchema> {
  const { base64: _omitted, ...content } = m.content;
  return {
    id: m.id,
    direction: m.direction,
    type: m.type,
    remote_jid: m.remote_jid,
    status: m.status,
    history: m.history,
    wa_message_id: m.wa_message_id,
    error: m.error,
    content,
    media_key: m.media_key,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/** The answer to a send: committed, with the status it has now. */
export const acceptedSchema = z.object({
  id: z.string(),
  status: z.enum(messageStatuses),
  /** False when an earlier request with the same Idempotency-Key already created it. */
  created: z.boolean(),
});
