import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiHarness, startApi } from '../testing/harness.ts';
import { clientTypes } from './client-types.ts';
import { openApiDocument } from './document.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

test("@turbozap/client's types are the routes' document: regenerate with `node scripts/gen-client.ts`", async () => {
  const file = resolve(import.meta.dirname, '../../../../packages/client/src/openapi.ts');
  expect(readFileSync(file, 'utf8')).toBe(await clientTypes(openApiDocument(api.routes, 'generated')));
}, 60_000);
