// Regenerates the route reference in docs/API.md from the API's route table.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { routesMarkdown } from '../services/api/src/openapi/markdown.ts';
import { startApi } from '../services/api/src/testing/harness.ts';

const api = await startApi({ db: 'pglite' });
const path = resolve(import.meta.dirname, '../docs/API.md');
const doc = readFileSync(path, 'utf8');
const [head, rest] = doc.split('<!-- routes:begin -->');
const tail = rest?.split('<!-- routes:end -->')[1] ?? '\n';
writeFileSync(
  path,
  `${head}<!-- routes:begin -->\n\n${routesMarkdown(api.routes).trim()}\n\n<!-- routes:end -->${tail}`,
);
await api.close();
