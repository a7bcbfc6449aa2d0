import type { Consumer } from '@turbozap/shared/broker/port';
import { ack } from '@turbozap/shared/broker/port';
import { exchanges } from '@turbozap/shared/contracts/queues';
import type { Runtime } from '@turbozap/shared/runtime';

type Listener = (eventId: string, event: string, payload: string) => void;

/**
 * Live events for SSE clients of this API replica. The replica has one private queue and
 * binds `#.<instanceId>` only while a client of that instance listens, so replicas never
 * receive events nobody of theirs wants.
 */
export class EventHub {
  #runtime: Runtime;
  #queue: string;
  #listeners = new Map<string, Set<Listener>>();
  #consumer: Promise<Consumer> | undefined;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    this.#queue = `turbozap.sse.${runtime.processId}`;
  }

  async subscribe(instanceId: string, listener: Listener): Promise<() => Promise<void>> {
    const { broker } = this.#runtime;
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

  #ensureConsumer(): Promise<Consumer> {
    const { broker } = this.#runtime;
    this.#consumer ??= (async () => {
      await broker.assertTopicExchange(exchanges.events);
      await broker.assertQueue(this.#queue, { exclusive: true });
      return broker.consume(
        this.#queue,
        async (delivery) => {
          const instanceId = delivery.routingKey.split('.').pop() ?? '';
          const listeners = this.#listeners.get(instanceId);
          if (listeners) {
            const text = delivery.body.toString('utf8');
            const { id, event } = JSON.parse(text) as { id: string; event: string };
            for (const listener of listeners) listener(id, event, text);
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
    await this.#runtime.broker.deleteQueue(this.#queue).catch(() => {});
  }
}
