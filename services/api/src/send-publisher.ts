import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { Runtime } from '@turbozap/shared/runtime';

const maxUnmarked = 100_000;
const retryMarkMs = 500;

/**
 * Publishes accepted messages right after their commit. The commit is the acceptance: a
 * publish that fails here is left to the relay (it publishes committed rows the broker
 * never got), so the client's 202 never waits on the broker. Rows are marked published in
 * batches, off the request path; the relay only looks at rows older than its grace period.
 */
export class SendPublisher {
  #runtime: Runtime;
  #queueReady: Promise<void> | undefined;
  #published: string[] = [];
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  async publish(messageId: string, instanceId: string): Promise<void> {
    const { broker, logger } = this.#runtime;
    try {
      this.#queueReady ??= broker.assertQueue(queues.send).catch((error) => {
        this.#queueReady = undefined;
        throw error;
      });
      await this.#queueReady;
      await broker.send(queues.send, makeJob('message.send', { messageId, instanceId }, messageId), { messageId });
      this.#published.push(messageId);
      if (this.#published.length >= 500) void this.flush();
      else this.#flushTimer ??= setTimeout(() => void this.flush(), 100);
    } catch (error) {
      logger.warn('publish after commit failed; the relay will publish it', { messageId, error });
    }
  }

  async flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const ids = this.#published.splice(0);
    try {
      await messagesRepo.markPublished(this.#runtime.db, ids);
    } catch (error) {
      // Kept for the next attempt: a mark that lands before the relay's grace period ends
      // spares a second publish (consumers are idempotent, but each duplicate is a job).
      // Bounded: past the cap the oldest go unmarked and the relay publishes them again.
      this.#published = [...ids, ...this.#published].slice(-maxUnmarked);
      this.#flushTimer ??= setTimeout(() => void this.flush(), retryMarkMs).unref();
      this.#runtime.logger.warn('could not mark messages published; will retry', { count: ids.length, error });
    }
  }
}
