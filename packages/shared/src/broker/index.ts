/**
 * The message broker port and its two adapters.
 *
 * - AmqpBroker: RabbitMQ. Durable queues are quorum queues, exclusive ones classic auto-delete.
 *   Publishes resolve on the broker's confirm; `send` to a missing queue rejects (mandatory).
 *   Reconnects by itself (exponential backoff), re-declaring what it declared and re-subscribing.
 * - MemoryBroker: the same semantics in process, for embedded mode and tests.
 *
 * Delivery is at-least-once: a handler may see a message again (`redelivered`) after a drop.
 * `retry(ms)` re-queues a copy with `attempts + 1` after about `ms`; `dead(reason)` moves it to
 * `<queue>.dead` (headers DEAD_REASON_HEADER / DEAD_FROM_HEADER). A handler that throws counts as
 * `retry(handlerErrorRetryMs)`. Failures carry a stable `code` (see BrokerErrorCode).
 */
export { AmqpBroker, type AmqpBrokerOptions } from './amqp-broker.ts';
export type { ReconnectOptions } from './amqp-connection.ts';
export {
  DEAD_FROM_HEADER,
  DEAD_REASON_HEADER,
  deadLetterEnabled,
  deadQueueName,
} from './conventions.ts';
export {
  BrokerClosedError,
  BrokerError,
  type BrokerErrorCode,
  BrokerUnavailableError,
  isBrokerError,
} from './errors.ts';
export { MemoryBroker, type MemoryBrokerOptions } from './memory-broker.ts';
export { MemoryBrokerServer } from './memory-server.ts';
export * from './port.ts';
