import type { EventDataIn, EventEnvelope, EventType } from '@turbozap/shared/contracts/events';
import type { InstanceRef } from '@turbozap/shared/contracts/instance-ref';
import {
  type Fence,
  instanceOwnershipRepo,
  StaleFenceError,
} from '@turbozap/shared/db/repositories/instance-ownership';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Db, Trx } from './db-types.ts';
import { type EventSink, instanceEvent } from './events/event-sink.ts';

export type Emit = <E extends EventType>(
  event: E,
  data: EventDataIn<E>,
  ...idParts: Array<string | number>
) => Promise<void>;

/** What a scope is made of: the worker's database, its event sink, its id and its logger. */
export interface ScopePorts {
  db: Db;
  events: EventSink;
  workerId: string;
  logger: Logger;
}

/**
 * One owned instance as the parts working for it see it: its identity, its fence, a child
 * logger, the database for its reads, and `write` — a transaction that first checks the fence
 * and may emit events that leave with the commit. A rejected (stale) fence tells the owner at
 * once (`onFenceLost`).
 */
export class InstanceScope {
  readonly instance: InstanceRef;
  readonly db: Db;
  readonly fence: Fence;
  readonly log: Logger;
  readonly #events: EventSink;
  readonly #onFenceLost: () => void;
  readonly #lifetime = new AbortController();

  constructor(ports: ScopePorts, instance: InstanceRef, token: number, onFenceLost: () => void) {
    this.instance = instance;
    this.db = ports.db;
    this.#events = ports.events;
    this.fence = { instanceId: instance.id, worker: ports.workerId, token };
    this.log = ports.logger.child({ wa_instance: instance.name, instance_id: instance.id });
    this.#onFenceLost = onFenceLost;
  }

  /**
   * Aborts once the instance is no longer ours and its socket is closed: work that waits for
   * an unreachable database gives up then (what it held stays with WhatsApp).
   */
  get ended(): AbortSignal {
    return this.#lifetime.signal;
  }

  end(): void {
    this.#lifetime.abort();
  }

  /** A fenced transaction whose emitted events are written with it and published after the commit. */
  write<T>(work: (trx: Trx, emit: Emit) => Promise<T>): Promise<T> {
    const emitted: EventEnvelope[] = [];
    return this.writeOne(
      (fence) =>
        instanceOwnershipRepo.fenced(this.db, fence, (trx) =>
          work(trx, async (event, data, ...idParts) => {
            const envelope = instanceEvent(this.instance, event, data, ...idParts);
            await this.#events.add(trx, envelope);
            emitted.push(envelope);
          }),
        ),
      () => emitted,
    );
  }

  /**
   * A fenced write (one statement of fencedMessagesRepo, or `write`'s transaction): a stale fence
   * is reported at once, and `emitted` returns the events it wrote (as stored), to publish them.
   */
  async writeOne<T>(
    run: (fence: Fence) => Promise<T>,
    emitted: (result: T) => readonly EventEnvelope[] = () => [],
  ): Promise<T> {
    try {
      const result = await run(this.fence);
      const events = emitted(result);
      if (events.length > 0) this.#events.committed(events);
      return result;
    } catch (error) {
      if (error instanceof StaleFenceError) this.fenceLost();
      throw error;
    }
  }

  /** Report that a write was rejected for a stale fence (also from writes made outside `write`). */
  fenceLost(): void {
    this.#onFenceLost();
  }
}
