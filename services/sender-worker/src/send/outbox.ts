import type { Broker } from '@turbozap/shared/broker/port';
import { makeJob, outboxQueueOptions, queues } from '@turbozap/shared/contracts/queues';

/**
 * Hands a prepared message to the session-worker that owns its instance, through the
 * instance's outbox queue (single active consumer: only the lease holder consumes it).
 */
export class OutboxPublisher {
  readonly #broker: Broker;
  readonly #declared = new Set<string>();

  constructor(broker: Broker) {
    this.#broker = broker;
  }

  async publish(message: { id: string; instance_id: string; remote_jid: string }): Promise<void> {
    const queue = queues.outbox(message.instance_id);
    if (!this.#declared.has(queue)) {
      await this.#broker.assertQueue(queue, outboxQueueOptions);
      this.#declared.add(queue);
    }
    const job = makeJob('message.outbox', {
      messageId: message.id,
      instanceId: message.instance_id,
      chat: message.remote_jid,
    });
    try {
      await this.#broker.send(queue, job, { messageId: message.id });
    } catch (err) {
      // The queue may have been deleted (instance removed, purge): declare it again next time.
      this.#declared.delete(queue);
      throw err;
    }
  }
}
