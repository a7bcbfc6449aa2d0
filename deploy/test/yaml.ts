import { createRequire } from 'node:module';

type ParseAll = (source: string) => unknown[];

interface YamlDocument {
  errors: { message: string }[];
  toJS(): unknown;
}

/**
 * Parses every document of a YAML file, with YAML 1.1 merge keys (`<<:`) as Compose reads them.
 * Uses the `yaml` package once it is a root devDependency; until then the copy of js-yaml
 * that pnpm keeps for other tools.
 */
async function loadParser(): Promise<ParseAll> {
  try {
    const yaml = (await import('yaml')) as unknown as {
      parseAllDocuments(source: string, options: { merge: boolean }): YamlDocument[];
    };
    return (source) =>
      yaml.parseAllDocuments(source, { merge: true }).map((doc) => {
        if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
        return doc.toJS();
      });
  } catch {
    const require = createRequire(new URL('../../node_modules/.pnpm/node_modules/', import.meta.url));
    const jsyaml = require('js-yaml') as {
      loadAll(source: string, iterator: undefined, options: { schema: unknown }): unknown[];
      DEFAULT_SAFE_SCHEMA?: unknown;
    };
    return (source) => jsyaml.loadAll(source, undefined, { schema: jsyaml.DEFAULT_SAFE_SCHEMA });
  }
}

export const parseYamlAll: ParseAll = await loadParser();

export function parseYaml(source: string): unknown {
  const docs = parseYamlAll(source);
  if (docs.length !== 1) throw new Error(`expected one YAML document, found ${docs.length}`);
  return docs[0];
}
