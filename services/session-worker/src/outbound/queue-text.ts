import type { Broker } from '@turbozap/shared/broker/port';
import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Db } from '../db-types.ts';

/** A text the worker sends on its own (the reply to a rejected call) is pointless after this. */
const TTL_MS = 60 * 60_000;

export interface QueueTextPorts {
  db: Db;
  broker: Broker;
  logger: Logger;
}

/**
 * Accepts a text to `to` the way the API accepts a send (a committed `messages` row, then
 * `message.send`), so it is paced, recorded and reported like any other message. The
 * idempotency key makes a second attempt for the same cause (a call offer delivered again after
 * a failover) the same message. A lost publish is left to the relay, as for the API's sends.
 */
export async function queueText(
  ports: QueueTextPorts,
  instanceId: string,
  message: { to: string; text: string; idempotencyKey: string },
): Promise<void> {
  const accepted = await messagesRepo.acceptOutbound(ports.db, {
    instanceId,
    remoteJid: message.to,
    type: 'text',
    content: { to: message.to, text: message.text, link_preview: false },
    idempotencyKey: message.idempotencyKey,
    expiresAt: new Date(Date.now() + TTL_MS),
  });
  if (!accepted?.created) return;
  try {
    await ports.broker.assertQueue(queues.send);
    await ports.broker.send(queues.send, makeJob('message.send', { messageId: accepted.id, instanceId }, accepted.id), {
      messageId: accepted.id,
    });
    await messagesRepo.markPublished(ports.db, [accepted.id]);
  } catch (error) {
    ports.logger.warn('publish after commit failed; the relay will publish it', { messageId: accepted.id, error });
  }
}
