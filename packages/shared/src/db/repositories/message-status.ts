import type { MessageStatus } from '../tables/messages.ts';

/**
 * Status only moves forward. For each target status, the statuses it may be reached from;
 * every write is a compare-and-set on these, so a final status never changes and a receipt
 * that arrives before `sent` is kept (`sending → delivered`).
 *
 * | to        | written by                       | event          |
 * |-----------|----------------------------------|----------------|
 * | preparing | sender-worker (claims the row)   | —              |
 * | ready     | sender-worker (media stored, or  | —              |
 * |           | at once when there is none)      |                |
 * | sending   | session-worker, fenced by lease  | —              |
 * | sent      | session-worker                   | message.sent   |
 * | delivered | session-worker (receipt)         | message.ack    |
 * | read      | session-worker (receipt)         | message.ack    |
 * | failed    | sender- or session-worker        | message.failed |
 * | cancelled | api (`DELETE …/pending`, CLI)    | —              |
 * | expired   | sender-worker sweeper            | message.failed |
 *
 * Received messages are stored `delivered` and move to `read` when this instance marks them
 * read (`POST /chat/:name/read`, inbound-reads.ts), once: no event.
 */
export const allowedFrom: Record<Exclude<MessageStatus, 'queued'>, readonly MessageStatus[]> = {
  preparing: ['queued'],
  ready: ['queued', 'preparing'],
  sending: ['ready', 'sending'],
  sent: ['ready', 'sending'],
  delivered: ['sending', 'sent'],
  read: ['sending', 'sent', 'delivered'],
  failed: ['queued', 'preparing', 'ready', 'sending'],
  cancelled: ['queued', 'preparing', 'ready'],
  expired: ['queued', 'preparing', 'ready'],
};

/** Not yet on the wire: what `DELETE /message/:instance/pending` cancels. */
export const pendingStatuses: readonly MessageStatus[] = ['queued', 'preparing', 'ready'];
