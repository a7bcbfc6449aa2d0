import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

const header = `// Generated from the API's OpenAPI document by \`node scripts/gen-client.ts\`; do not edit.
// services/api/src/openapi/client-types.test.ts fails when it no longer matches the routes.
`;

/** The TypeScript types of `@turbozap/client` (paths, components, webhooks), from the document. */
export async function clientTypes(document: unknown): Promise<string> {
  const ast = await openapiTS(document as OpenAPI3, { alphabetize: true, exportType: false });
  return `${header}\n${astToString(ast)}`;
}
