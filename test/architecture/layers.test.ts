// The workspaces are layers and every dependency points down: packages/* import only packages,
// services/* import packages but never one another, and apps/* (the `turbozap` command and its
// composition root) sit above both. Checked in the manifests and in every import of the sources,
// by package name or by relative path.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const mayImport: Record<string, readonly string[]> = {
  packages: ['packages'],
  services: ['packages'],
  apps: ['packages', 'services'],
};

interface Workspace {
  layer: string;
  dir: string;
  name: string;
  dependencies: string[];
}

function workspaces(): Workspace[] {
  return Object.keys(mayImport).flatMap((layer) =>
    readdirSync(join(root, layer), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => {
        const dir = join(root, layer, entry.name);
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const dependencies = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
          (field) => Object.keys(manifest[field] ?? {}),
        );
        return { layer, dir, name: manifest.name, dependencies };
      }),
  );
}

const all = workspaces();

function workspaceOf(spec: string, fromFile: string): Workspace | undefined {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(fromFile), spec);
    return all.find((ws) => target.startsWith(ws.dir + sep));
  }
  const name = spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
  return all.find((ws) => ws.name === name);
}

function allowed(from: Workspace, to: Workspace): boolean {
  return from === to || (mayImport[from.layer] ?? []).includes(to.layer);
}

/** `file imports spec (workspace)` for each import in source that points up or sideways. */
function wrongWayImports(file: string, source: string): string[] {
  const from = all.find((ws) => file.startsWith(ws.dir + sep));
  if (!from) throw new Error(`${file} is in no workspace`);
  return [...source.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]([^'"\n]+)['"]/g)].flatMap(([, spec]) => {
    const to = workspaceOf(spec!, file);
    return to && !allowed(from, to) ? [`${relative(root, file)} imports ${spec} (${relative(root, to.dir)})`] : [];
  });
}

describe('dependencies point one way: packages ← services ← apps', () => {
  test('no manifest depends on a workspace of its own layer or above (other than itself)', () => {
    const wrong = all.flatMap((from) =>
      from.dependencies.flatMap((dep) => {
        const to = all.find((ws) => ws.name === dep);
        return to && !allowed(from, to) ? [`${from.name} depends on ${dep}`] : [];
      }),
    );
    expect(wrong).toEqual([]);
  });

  test('no source file imports a workspace of its own layer or above (other than its own)', () => {
    const wrong = all.flatMap((ws) =>
      readdirSync(join(ws.dir, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(ws.dir, 'src', f))
        .flatMap((file) => wrongWayImports(file, readFileSync(file, 'utf8'))),
    );
    expect(wrong).toEqual([]);
  });

  test("@turbozap/client, a library for TurboZap's users, depends on no workspace: it ships alone", () => {
    const client = all.find((ws) => ws.name === '@turbozap/client');
    expect(client?.dependencies.filter((dep) => all.some((ws) => ws.name === dep))).toEqual([]);
  });

  test('the check flags a package or a service importing upwards or sideways, by name or by path', () => {
    const inShared = join(root, 'packages/shared/src/x.ts');
    const inApi = join(root, 'services/api/src/x.ts');
    const inApp = join(root, 'apps/turbozap/src/x.ts');
    const service = all.find((ws) => ws.layer === 'services')!;
    const app = all.find((ws) => ws.layer === 'apps')!;
    const bySession = all.find((ws) => ws.dir.endsWith(`${sep}session-worker`))!;

    expect(wrongWayImports(inShared, `import { a } from '${service.name}/a';`)).toHaveLength(1);
    expect(wrongWayImports(inShared, `const a = await import('../../../services/api/src/a.ts');`)).toHaveLength(1);
    expect(wrongWayImports(inShared, `export { a } from '${app.name}/a';`)).toHaveLength(1);
    expect(wrongWayImports(inApi, `import type { A } from '${bySession.name}/a';`)).toHaveLength(1);
    expect(wrongWayImports(inApi, `import '../../sender-worker/src/a.ts';`)).toHaveLength(1);
    expect(wrongWayImports(inApp, `import { a } from '${service.name}/a';\nimport '@turbozap/shared/b';`)).toEqual([]);
    expect(wrongWayImports(inApi, `import { a } from './a.ts';\nimport { b } from 'kysely';`)).toEqual([]);
  });
});
