import type { RouteTable } from '../http/route.ts';

const access = { public: 'none', admin: 'admin key', instance: 'admin or instance key', key: 'any key' } as const;

/** docs/API.md's route reference, generated from the route table (a test keeps the file in sync). */
export function routesMarkdown(routes: RouteTable): string {
  const byTag = new Map<string, RouteTable>();
  for (const r of routes) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
  const out: string[] = [];
  for (const [tag, list] of byTag) {
    out.push(`### ${tag}`, '', '| method | path | key | body | summary |', '|---|---|---|---|---|');
    for (const r of list) {
      out.push(
        `| ${r.method.toUpperCase()} | \`${r.path}\` | ${access[r.access]} | ${r.body ? 'JSON' : '—'} | ${r.summary} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
