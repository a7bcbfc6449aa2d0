import { hash } from 'node:crypto';
import { z } from 'zod';
import type { EventData } from './event-data.ts';

/** The event catalogue of API.md; `GET /webhook/events` serves it. */
export const eventTypes = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.failed',
  'message.revoked',
  'connection.update',
  'qrcode.updated',
  'group.participants.update',
  'group.update',
  'presence.update',
  'call.received',
  'call.missed',
  'poll.vote',
  'button.response',
  'list.response',
  'story.viewed',
] as const;
export type EventType = (typeof eventTypes)[number];

export const eventDescriptions: Record<EventType, string> = {
  'message.received': 'A message arrived from a contact or group.',
  'message.sent': 'An outbound message was written to WhatsApp.',
  'message.ack': 'Delivery or read receipt for an outbound message.',
  'message.failed': 'An outbound message ended failed, with a machine-readable reason.',
  'message.revoked': 'A message was deleted for everyone.',
  'connection.update': 'The instance connection status changed.',
  'qrcode.updated': 'A new QR code (or pairing code) is available for linking.',
  'group.participants.update': 'Participants were added, removed, promoted or demoted.',
  'group.update': 'Group subject, description or settings changed.',
  'presence.update': 'A contact is typing, recording, online or offline.',
  'call.received': 'An incoming call is ringing.',
  'call.missed': 'An incoming call ended unanswered.',
  'poll.vote': 'A contact voted on a poll, changed or withdrew a vote: the chosen option names.',
  'button.response': 'A contact tapped a reply button.',
  'list.response': 'A contact picked a list row.',
  'story.viewed': 'A contact viewed a status (story).',
};

export const eventEnvelope = z.object({
  id: z.string(),
  event: z.enum(eventTypes),
  version: z.literal(1),
  instance: z.object({ id: z.string(), name: z.string() }),
  timestamp: z.string(),
  /** Its schema depends on `event`: `eventData` in event-data.ts. Carriers pass it on untouched. */
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof eventEnvelope>;

/**
 * Deterministic event id: the same occurrence (e.g. a WhatsApp message id and the event
 * type) always gets the same id, so a re-emitted event is recognisably the same.
 */
export function eventId(event: EventType, instanceId: string, ...parts: Array<string | number>): string {
  // One-shot hash: a third of createHash's cost, and it runs for every event.
  return hash('sha256', [event, instanceId, ...parts].join('\u0000'), 'hex').slice(0, 32);
}

/**
 * What an emitter supplies for an event's `data`. A receipt's `message.ack` is built before its
 * row is read: the statement that applies it (fenced-messages' `ack`) fills in `id`, and
 * `remote_jid` from the row when the receipt names no JID.
 */
export type EventDataIn<E extends EventType> = E extends 'message.ack'
  ? Omit<EventData<'message.ack'>, 'id' | 'remote_jid'> & { id?: string; remote_jid: string | null }
  : EventData<E>;

export function makeEvent<E extends EventType>(
  event: E,
  instance: { id: string; name: string },
  data: EventDataIn<E>,
  ...idParts: Array<string | number>
): EventEnvelope {
  return {
    id: eventId(event, instance.id, ...idParts),
    event,
    version: 1,
    instance: { id: instance.id, name: instance.name },
    timestamp: new Date().toISOString(),
    data,
  };
}

export const eventRoutingKey = (e: Pick<EventEnvelope, 'event' | 'instance'>): string => `${e.event}.${e.instance.id}`;
