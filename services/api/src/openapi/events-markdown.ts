import { eventData } from '@turbozap/shared/contracts/event-data';
import { type EventType, eventDescriptions, eventTypes } from '@turbozap/shared/contracts/events';
import { eventDataJsonSchema, type JsonSchema } from './event-schemas.ts';

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(', ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (Array.isArray(s.type)) return s.type.join(' or ');
  if (s.type === 'array') return `array of ${s.items?.type === 'object' ? 'object' : typeOf(s.items ?? {})}s`;
  return s.type ?? 'any';
}

/** One row per field; an array of objects also lists its items' fields (`participants[].jid`). */
function rows(s: JsonSchema, prefix = ''): string[] {
  return Object.entries(s.properties ?? {}).flatMap(([name, field]) => {
    const optional = s.required?.includes(name) ? '' : ', optional';
    const row = `| \`${prefix}${name}\` | ${typeOf(field)}${optional} | ${field.description ?? ''} |`;
    const items = field.items?.type === 'object' ? rows(field.items, `${prefix}${name}[].`) : [];
    return [row, ...items];
  });
}

const table = (s: JsonSchema) => ['| field | type | meaning |', '|---|---|---|', ...rows(s)];

function fields(event: EventType): string[] {
  const same = eventTypes.find((other) => eventData[other] === eventData[event]);
  if (same !== event) return [`Same fields as \`${same}\`.`];
  const schema = eventDataJsonSchema(event);
  if (schema.anyOf) return schema.anyOf.flatMap((variant, i) => [...(i > 0 ? ['', 'or', ''] : []), ...table(variant)]);
  if (!schema.properties) return [`${schema.description ?? 'No fields'}.`];
  return table(schema);
}

/**
 * docs/WEBHOOKS.md's list of events and their `data`, generated from the contracts' schemas
 * (a test keeps the file in sync; `node scripts/gen-api-doc.ts` rewrites it).
 */
export function eventsMarkdown(): string {
  return eventTypes
    .flatMap((event) => [`### \`${event}\``, '', eventDescriptions[event], '', ...fields(event), ''])
    .join('\n');
}
