import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import type { DB } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Kysely } from 'kysely';

/** What the stream sends as `id:` (events_outbox.seq); 15 digits stay exact as a JS number. */
const seqId = /^\d{1,15}$/;
/** An event's own id (`eventId()`): what streams sent as `id:` before the cursor existed. */
const envelopeId = /^[0-9a-f]{32}$/;

/**
 * Where a reconnecting client resumes: after the cursor it sent, or after the event whose id it
 * sent (a client connected before the upgrade). An event id no longer stored (pruned) leaves
 * nothing to resume from: the stream goes on live. Anything else is refused, never guessed.
 */
export async function resumeCursor(
  db: Kysely<DB>,
  instanceId: string,
  lastEventId: string | undefined,
): Promise<number | undefined> {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  if (seqId.test(lastEventId)) return Number(lastEventId);
  if (envelopeId.test(lastEventId)) return eventsOutboxRepo.seqOf(db, instanceId, lastEventId);
  throw new AppError(
    'invalid_last_event_id',
    'Last-Event-ID must be an id this stream sent (digits) or an event id (32 hex digits)',
    400,
  );
}
