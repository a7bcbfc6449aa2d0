// The image: its stages, pinned tools, user, entrypoint and health check.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { known, read, root } from './known.ts';

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile').replace(/\\\n\s*/g, ' ');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+\s/.test(line));
  const last = (op: string) =>
    instructions
      .filter((l) => l.startsWith(`${op} `))
      .at(-1)
      ?.slice(op.length + 1);
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  test('multi-stage on the Node 24 base, pnpm pinned like package.json, non-root, serving SERVER_PORT', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain(`ARG NODE_IMAGE=${known.baseImage}\n`);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    const pm = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager;
    expect(pm).toMatch(/^pnpm@/);
    expect(dockerfile).toContain(`ARG PNPM_VERSION=${pm.slice('pnpm@'.length)}\n`);
    expect(dockerfile).toContain('--frozen-lockfile');
    const user = /^USER (\S+)$/m.exec(finalStage)?.[1];
    expect(['root', '0', undefined]).not.toContain(user);
    expect(last('EXPOSE')).toBe(String(known.serverPort));
    expect(known.roles).toContain(JSON.parse(last('CMD')!)[0]);
  });

  test('.dockerignore keeps local state and secrets out but not what the build copies', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const p of ['.git', '**/node_modules', 'tooling', 'data', '.env']) expect(ignore).toContain(p);
    expect(ignore).toContain('!deploy/docker/entrypoint.sh');
    for (const [, src] of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm))
      for (const file of src!.split(' ').filter((f) => f !== '.')) {
        expect([file, existsSync(join(root, file))]).toEqual([file, true]);
        expect(ignore).not.toContain(file);
      }
  });

  test('the entrypoint runs ./turbozap with a bare role or with the plan-style "./turbozap <role>" command', () => {
    expect(last('ENTRYPOINT')).toBe('["turbozap-entrypoint"]');
    const dir = mkdtempSync(join(tmpdir(), 'turbozap-entrypoint-'));
    try {
      writeFileSync(join(dir, 'turbozap'), '#!/bin/sh\necho "role=$*"\n');
      chmodSync(join(dir, 'turbozap'), 0o755);
      const run = (...args: string[]) =>
        spawnSync('sh', [join(root, 'deploy/docker/entrypoint.sh'), ...args], { cwd: dir, encoding: 'utf8' }).stdout;
      expect(run('worker')).toBe('role=worker\n');
      expect(run('./turbozap', 'worker')).toBe('role=worker\n');
      expect(run('keys', 'list')).toBe('role=keys list\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('HEALTHCHECK passes on a 200 from /health and fails on a 503 or no server', async () => {
    const health = /^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(finalStage)?.[1];
    const [command, ...args] = JSON.parse(health!) as string[];
    expect(command).toBe('node');
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url!);
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as { port: number }).port);
    // Asynchronously: this process's own server must answer while the check runs.
    const check = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, args, { env: { ...process.env, SERVER_PORT: port }, stdio: 'ignore' }).on(
          'exit',
          resolve,
        ),
      );
    try {
      expect(await check()).toBe(0);
      status = 503;
      expect(await check()).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await check()).toBe(1);
    expect(paths).toEqual([known.endpoints.liveness, known.endpoints.liveness]);
  });
});
