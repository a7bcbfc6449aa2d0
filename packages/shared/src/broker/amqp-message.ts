import type { ConsumeMessage, Options } from 'amqplib';
import { ATTEMPTS_HEADER, PUBLISH_ID_HEADER } from './conventions.ts';
import type { Delivery, PublishOptions } from './port.ts';

const HIDDEN = new Set([ATTEMPTS_HEADER, PUBLISH_ID_HEADER, 'x-delivery-count']);
const hidden = (name: string): boolean =>
  HIDDEN.has(name) || name === 'x-death' || name.startsWith('x-first-death-') || name.startsWith('x-last-death-');

/** The caller's headers only: broker bookkeeping (x-death, x-delivery-count, our own) stripped. */
export function userHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (!hidden(name)) out[name] = value;
  return out;
}

export function attemptsOf(message: ConsumeMessage): number {
  const value = Number(message.properties.headers?.[ATTEMPTS_HEADER] ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export function toDelivery(message: ConsumeMessage): Delivery {
  const headers = message.properties.headers as Record<string, unknown> | undefined;
  return {
    body: message.content,
    routingKey: message.fields.routingKey,
    messageId: message.properties.messageId ?? undefined,
    headers: userHeaders(headers),
    attempts: attemptsOf(message),
    redelivered: message.fields.redelivered,
  };
}

/** Publish properties for a new message: always persistent (durable queues survive a restart). */
export function publishProperties(options: PublishOptions | undefined): Options.Publish {
  const props: Options.Publish = { persistent: true, headers: { ...options?.headers } };
  if (options?.messageId !== undefined) props.messageId = options.messageId;
  if (options?.expirationMs !== undefined) props.expiration = String(Math.max(0, Math.round(options.expirationMs)));
  return props;
}

/**
 * Properties for re-publishing a delivered message (retry or dead-letter). The expiration is
 * dropped on purpose: it bounds how long a message may wait to be picked up the first time, and
 * a per-message TTL inside a retry queue would dead-letter it back early.
 */
export function republishProperties(message: ConsumeMessage, extraHeaders: Record<string, unknown>): Options.Publish {
  const headers = message.properties.headers as Record<string, unknown> | undefined;
  const props: Options.Publish = { persistent: true, headers: { ...userHeaders(headers), ...extraHeaders } };
  if (message.properties.messageId !== undefined) props.messageId = message.properties.messageId;
  return props;
}
