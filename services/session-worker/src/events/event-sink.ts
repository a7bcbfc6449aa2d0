import type { EventDataIn, EventEnvelope, EventType } from '@turbozap/shared/contracts/events';
import { makeEvent } from '@turbozap/shared/contracts/events';
import type { InstanceRef } from '@turbozap/shared/contracts/instance-ref';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import type { EventPublisher } from '@turbozap/shared/events/event-publisher';
import type { Trx } from '../db-types.ts';

/**
 * How domain code emits events: written into events_outbox inside the caller's transaction
 * (together with the state change they describe), then `committed()` after the commit
 * publishes them at once (the relay only catches what that could not). A rolled-back
 * transaction emits nothing.
 */
export interface EventSink {
  add(trx: Trx, envelope: EventEnvelope): Promise<void>;
  committed(envelopes: readonly EventEnvelope[]): void;
}

export function eventsOutboxSink(publisher: Pick<EventPublisher, 'publish'>): EventSink {
  return {
    add: (trx, envelope) => eventsOutboxRepo.add(trx, envelope),
    committed: (envelopes) => publisher.publish(envelopes),
  };
}

/** makeEvent with the instance reference first, for call sites that have one. */
export const instanceEvent = <E extends EventType>(
  instance: InstanceRef,
  event: E,
  data: EventDataIn<E>,
  ...idParts: Array<string | number>
): EventEnvelope => makeEvent(event, instance, data, ...idParts);
