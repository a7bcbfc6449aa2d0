// Regenerates the route reference in docs/API.md from the API's route table, and the event
// payloads in docs/WEBHOOKS.md from the contracts' schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventsMarkdown } from '../services/api/src/openapi/events-markdown.ts';
import { routesMarkdown } from '../services/api/src/openapi/markdown.ts';
import { startApi } from '../services/api/src/testing/harness.ts';

/** Replaces what lies between `<!-- name:begin -->` and `<!-- name:end -->` in a docs/ file. */
function regenerate(file: string, name: string, markdown: string): void {
  const path = resolve(import.meta.dirname, '../docs', file);
  const doc = readFileSync(path, 'utf8');
  const [head, rest] = doc.split(`<!-- ${name}:begin -->`);
  const tail = rest?.split(`<!-- ${name}:end -->`)[1] ?? '\n';
  writeFileSync(path, `${head}<!-- ${name}:begin -->\n\n${markdown.trim()}\n\n<!-- ${name}:end -->${tail}`);
}

const api = await startApi({ db: 'pglite' });
regenerate('API.md', 'routes', routesMarkdown(api.routes));
await api.close();
regenerate('WEBHOOKS.md', 'events', eventsMarkdown());
