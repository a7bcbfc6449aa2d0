import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { Runtime } from '@turbozap/shared/runtime';

type PublisherPorts = Pick<Runtime, 'db' | 'broker' | 'logger'>;

import { BatchedMarker } from '@turbozap/shared/util/batched-marker';

/**
 * Publishes accepted messages right after their commit. The commit is the acceptance: a
 * publish that fails here is left to the relay (it publishes committed rows the broker
 * never got), so the client's 202 never waits on the broker. Rows are marked published in
 * batches, off the request path; the relay only looks at rows older than its grace period.
 */
export class SendPublisher {
  #ports: PublisherPorts;
  #queueReady: Promise<void> | undefined;
  readonly #published: BatchedMarker;

  constructor(ports: PublisherPorts) {
    this.#ports = ports;
    this.#published = new BatchedMarker({
      mark: (ids) => messagesRepo.markPublished(ports.db, ids),
      onError: (count, error) => ports.logger.warn('could not mark messages published; will retry', { count, error }),
    });
  }

  async publish(messageId: string, instanceId: string): Promise<void> {
    const { broker, logger } = this.#ports;
    try {
      this.#queueReady ??= broker.assertQueue(queues.send).catch((error) => {
        this.#queueReady = undefined;
        throw error;
      });
      await this.#queueReady;
      await broker.send(queues.send, makeJob('message.send', { messageId, instanceId }, messageId), { messageId });
      this.#published.add(messageId);
    } catch (error) {
      logger.warn('publish after commit failed; the relay will publish it', { messageId, error });
    }
  }

  flush(): Promise<void> {
    return this.#published.flush();
  }
}
