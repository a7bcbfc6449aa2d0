/** Bookkeeping headers of the AMQP adapter, hidden from `Delivery.headers` (attempts is `Delivery.attempts`). */
export const ATTEMPTS_HEADER = 'x-turbozap-attempts';
export const PUBLISH_ID_HEADER = 'x-turbozap-publish-id';

/** Set on dead-lettered messages by both adapters; visible to whoever reads `<queue>.dead`. */
export const DEAD_REASON_HEADER = 'x-turbozap-dead-reason';
export const DEAD_FROM_HEADER = 'x-turbozap-dead-from';

export const deadQueueName = (queue: string): string => `${queue}.dead`;

/** `dead` results are dead-lettered to `<queue>.dead` unless turned off; on by default for durable queues only. */
export const deadLetterEnabled = (options: { exclusive?: boolean; deadLetter?: boolean }): boolean =>
  options.deadLetter ?? !options.exclusive;
