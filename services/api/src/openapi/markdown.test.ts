import { readFileSync } from 'node:fs';
import { startApi } from '../testing/harness.ts';
import { routesMarkdown } from './markdown.ts';

test('docs/API.md lists exactly the served routes (regenerate with `node scripts/gen-api-doc.ts`)', async () => {
  const api = await startApi({ db: 'pglite' });
  try {
    const doc = readFileSync(new URL('../../../../docs/API.md', import.meta.url), 'utf8');
    const generated = routesMarkdown(api.routes);
    const between = doc.split('<!-- routes:begin -->')[1]?.split('<!-- routes:end -->')[0]?.trim();
    expect(between).toBe(generated.trim());
  } finally {
    await api.close();
  }
}, 60_000);
