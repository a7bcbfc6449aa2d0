import type { Consumer } from '@turbozap/shared/broker/port';
import { ack } from '@turbozap/shared/broker/port';
import { exchanges } from '@turbozap/shared/contracts/queues';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import type { Runtime } from '@turbozap/shared/runtime';

type HubPorts = Pick<Runtime, 'db' | 'broker' | 'logger' | 'processId'>;

import { GroupCommit } from '@turbozap/shared/util/group-commit';
import type { StreamEvent } from './sse-stream.ts';

type Listener = (event: StreamEvent) => void;

const statusPrefix = 'connection.update.';
const statusPattern = `${statusPrefix}*`;

/**
 * Live events for SSE clients of this API replica. The replica has one private queue and
 * binds `#.<instanceId>` only while a client of that instance listens, so replicas never
 * receive events nobody of theirs wants.
 *
 * Publishers send the envelope, which does not know its outbox cursor (`seq`, assigned by the
 * insert). The hub looks it up — one query for all the events that arrive while one is under
 * way — so a live event carries the same `id:` a replay would, and a client can resume from it.
 */
export class EventHub {
  #ports: HubPorts;
  #queue: string;
  #listeners = new Map<string, Set<Listener>>();
  /** Listeners of every instance's `connection.update` (the console's instance list). */
  #statusListeners = new Set<Listener>();
  #consumer: Promise<Consumer> | undefined;
  readonly #seqs: GroupCommit<string, number | undefined>;
  /** Deliveries go to listeners in the order they arrived, whichever lookup finishes first. */
  #dispatched: Promise<void> = Promise.resolve();

  constructor(ports: HubPorts) {
    this.#ports = ports;
    this.#queue = `turbozap.sse.${ports.processId}`;
    this.#seqs = new GroupCommit(async (ids) => {
      const seqs = await eventsOutboxRepo.seqsOf(ports.db, ids);
      return ids.map((id) => seqs.get(id));
    });
  }

  async subscribe(instanceId: string, listener: Listener): Promise<() => Promise<void>> {
    const { broker } = this.#ports;
    await this.#ensureConsumer();
    let set = this.#listeners.get(instanceId);
    if (!set) {
      set = new Set();
      this.#listeners.set(instanceId, set);
      await broker.bindQueue(this.#queue, exchanges.events, `#.${instanceId}`);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(instanceId) === set) {
        this.#listeners.delete(instanceId);
        await broker.unbindQueue(this.#queue, exchanges.events, `#.${instanceId}`).catch(() => {});
      }
    };
  }

  /**
   * Every instance's status changes (`connection.update`), live only: the replica binds
   * `connection.update.*` while someone listens. A reader loads the list first and then
   * follows this; after a reconnect it loads the list again.
   */
  async subscribeStatuses(listener: Listener): Promise<() => Promise<void>> {
    const { broker } = this.#ports;
    await this.#ensureConsumer();
    if (this.#statusListeners.size === 0) await broker.bindQueue(this.#queue, exchanges.events, statusPattern);
    this.#statusListeners.add(listener);
    return async () => {
      if (!this.#statusListeners.delete(listener) || this.#statusListeners.size > 0) return;
      await broker.unbindQueue(this.#queue, exchanges.events, statusPattern).catch(() => {});
    };
  }

  #wanted(routingKey: string): boolean {
    const instanceId = routingKey.split('.').pop() ?? '';
    return this.#listeners.has(instanceId) || (this.#statusListeners.size > 0 && routingKey.startsWith(statusPrefix));
  }

  #deliver(instanceId: string, text: string): void {
    const { id, event } = JSON.parse(text) as { id: string; event: string };
    // Without a cursor (not in the outbox, or the lookup failed) the event still goes out, without `id:`.
    const seq = this.#seqs.submit(id).catch(() => undefined);
    this.#dispatched = this.#dispatched
      .then(async () => {
        const live = { seq: await seq, event, data: text };
        for (const listener of this.#listeners.get(instanceId) ?? []) listener(live);
        if (event === 'connection.update') for (const listener of this.#statusListeners) listener(live);
      })
      .catch(() => {});
  }

  #ensureConsumer(): Promise<Consumer> {
    const { broker } = this.#ports;
    this.#consumer ??= (async () => {
      await broker.assertTopicExchange(exchanges.events);
      await broker.assertQueue(this.#queue, { exclusive: true });
      return broker.consume(
        this.#queue,
        async (delivery) => {
          const instanceId = delivery.routingKey.split('.').pop() ?? '';
          try {
            if (this.#wanted(delivery.routingKey)) this.#deliver(instanceId, delivery.body.toString('utf8'));
          } catch {
            // Not an envelope: nothing a client could read; redelivering it would not change that.
          }
          return ack;
        },
        { prefetch: 100 },
      );
    })().catch((error) => {
      this.#consumer = undefined;
      throw error;
    });
    return this.#consumer;
  }

  async stop(): Promise<void> {
    const consumer = await this.#consumer?.catch(() => undefined);
    await consumer?.cancel().catch(() => {});
    await this.#dispatched;
    await this.#ports.broker.deleteQueue(this.#queue).catch(() => {});
  }
}
