import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Queue and exchange names: the runbook's `whatsapp.send.messages` is the real send queue. */
export const queues = {
  send: 'whatsapp.send.messages',
  webhooks: 'turbozap.webhooks',
  outbox: (instanceId: string) => `turbozap.outbox.${instanceId}`,
} as const;

/**
 * How every per-instance outbox is declared (by its producer and its consumer alike): one
 * active consumer — the lease holder — and not replicated, since Postgres holds every job's
 * row and the sender-worker's sweeper re-drives what a lost broker node took with it.
 */
export const outboxQueueOptions = { singleActiveConsumer: true, replicated: false } as const;

export const exchanges = {
  /** Topic exchange, routing key `<event>.<instanceId>`. */
  events: 'turbozap.events',
} as const;

/** Every job body: a typed payload inside an envelope consumers de-duplicate on. */
const envelope = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({
    id: z.string().min(1),
    type: z.literal(type),
    v: z.literal(1),
    createdAt: z.string(),
    traceId: z.string().optional(),
    payload,
  });

export const jobSchemas = {
  /** api → sender-worker: a committed message row to prepare. */
  'message.send': envelope('message.send', z.object({ messageId: z.uuid(), instanceId: z.uuid() })),
  /** sender-worker → the owning session-worker: a prepared row to put on the wire. */
  'message.outbox': envelope(
    'message.outbox',
    z.object({
      messageId: z.uuid(),
      instanceId: z.uuid(),
      /** The chat (remote JID): the session-worker orders a chat's jobs in-process by it before asking */
      /** the database. Absent from older producers. */
      chat: z.string().min(1).optional(),
    }),
  ),
} as const;

export type JobType = keyof typeof jobSchemas;
export type Job<T extends JobType> = z.infer<(typeof jobSchemas)[T]>;
export type JobPayload<T extends JobType> = Job<T>['payload'];

export function makeJob<T extends JobType>(type: T, payload: JobPayload<T>, id: string = randomUUID()): Buffer {
  return Buffer.from(JSON.stringify({ id, type, v: 1, createdAt: new Date().toISOString(), payload }));
}

/** Parses a job body; throws a ZodError for a malformed one (the consumer dead-letters it). */
export function parseJob<T extends JobType>(type: T, body: Buffer): Job<T> {
  return jobSchemas[type].parse(JSON.parse(body.toString('utf8'))) as Job<T>;
}
