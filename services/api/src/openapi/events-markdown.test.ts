import { readFileSync } from 'node:fs';
import { eventData } from '@turbozap/shared/contracts/event-data';
import { eventEnvelope } from '@turbozap/shared/contracts/events';
import { eventsMarkdown } from './events-markdown.ts';

const webhooksDoc = readFileSync(new URL('../../../../docs/WEBHOOKS.md', import.meta.url), 'utf8');

test('docs/WEBHOOKS.md lists every event with the fields of its schema (regenerate with `node scripts/gen-api-doc.ts`)', () => {
  const between = webhooksDoc.split('<!-- events:begin -->')[1]?.split('<!-- events:end -->')[0]?.trim();
  expect(between).toBe(eventsMarkdown().trim());
});

test("every example event in docs/WEBHOOKS.md is a valid envelope whose data its event's schema accepts", () => {
  const examples = [...webhooksDoc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ''));
  expect(examples.length).toBeGreaterThan(0);
  for (const example of examples) {
    const envelope = eventEnvelope.parse(example);
    const parsed = eventData[envelope.event].safeParse(envelope.data);
    expect({ event: envelope.event, issues: parsed.error?.issues ?? [] }).toEqual({
      event: envelope.event,
      issues: [],
    });
  }
});
