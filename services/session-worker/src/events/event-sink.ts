import type { EventEnvelope, EventType } from '@turbozap/shared/contracts/events';
import { makeEvent } from '@turbozap/shared/contracts/events';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import type { Trx } from '../db-types.ts';

export interface InstanceRef {
  id: string;
  name: string;
}

/**
 * How domain code emits events: written into events_outbox inside the caller's transaction
 * (together with the state change they describe), then `published()` after the commit kicks
 * the relay. A rolled-back transaction emits nothing.
 */
export interface EventSink {
  add(trx: Trx, envelope: EventEnvelope): Promise<void>;
  published(): void;
}

export function outboxEventSink(kickRelay: () => void): EventSink {
  return {
    add: (trx, envelope) => eventsOutboxRepo.add(trx, envelope),
    published: kickRelay,
  };
}

/** makeEvent with the instance reference first, for call sites that have one. */
export const instanceEvent = (
  instance: InstanceRef,
  event: EventType,
  data: Record<string, unknown>,
  ...idParts: Array<string | number>
): EventEnvelope => makeEvent(event, instance, data, ...idParts);
