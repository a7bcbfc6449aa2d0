// Regenerates packages/client/src/openapi.ts, the client's types, from the API's OpenAPI document.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientTypes } from '../services/api/src/openapi/client-types.ts';
import { openApiDocument } from '../services/api/src/openapi/document.ts';
import { startApi } from '../services/api/src/testing/harness.ts';

const api = await startApi({ db: 'pglite' });
const types = await clientTypes(openApiDocument(api.routes, 'generated'));
await api.close();
writeFileSync(resolve(import.meta.dirname, '../packages/client/src/openapi.ts'), types);
