import { eventData } from '@turbozap/shared/contracts/event-data';
import { type EventType, eventDescriptions, eventTypes } from '@turbozap/shared/contracts/events';
import { z } from 'zod';

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  not?: JsonSchema;
  [key: string]: unknown;
}

/** An event's `data` as JSON Schema: what is delivered, so `io: 'output'`. */
export function eventDataJsonSchema(event: EventType): JsonSchema {
  const { $schema: _, ...schema } = z.toJSONSchema(eventData[event], {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return schema;
}

/** `group.participants.update` → `GroupParticipantsUpdateData`. */
/** `message.received` → `MessageReceived`. */
const pascal = (event: EventType): string =>
  event
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
const eventComponentName = (event: EventType): string => `${pascal(event)}Data`;

/**
 * OpenAPI 3.1 `webhooks` (one per event type: the POST TurboZap makes) and the `components`
 * holding each event's `data`, from the same schemas as docs/WEBHOOKS.md.
 */
export function eventWebhooks() {
  const schemas: Record<string, JsonSchema> = {};
  const webhooks: Record<string, unknown> = {};
  for (const event of eventTypes) {
    schemas[eventComponentName(event)] = eventDataJsonSchema(event);
    const envelope = {
      type: 'object',
      properties: {
        id: { type: 'string' },
        event: { const: event },
        version: { const: 1 },
        instance: {
          type: 'object',
          properties: { id: { type: 'string' }, name: { type: 'string' } },
          required: ['id', 'name'],
        },
        timestamp: { type: 'string' },
        data: { $ref: `#/components/schemas/${eventComponentName(event)}` },
      },
      required: ['id', 'event', 'version', 'instance', 'timestamp', 'data'],
    };
    webhooks[event] = {
      post: {
        operationId: `on${pascal(event)}`,
        summary: eventDescriptions[event],
        requestBody: { required: true, content: { 'application/json': { schema: envelope } } },
        responses: { '2XX': { description: 'received (anything else is retried or failed: WEBHOOKS.md)' } },
      },
    };
  }
  return { schemas, webhooks };
}
