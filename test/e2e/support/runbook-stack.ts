import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../packages/shared/src/testing/ports.ts';
import { testServices } from '../../../packages/shared/src/testing/services.ts';
import { waitFor } from '../../../packages/shared/src/testing/wait.ts';

/**
 * The runbook suite's own harness: TurboZap roles, the WhatsApp simulator and s3rver as child
 * processes (each in its own process group), on a private PostgreSQL database, RabbitMQ vhost and
 * Redis logical database. It drives everything the way an operator does: `./turbozap`, curl-like
 * HTTP, psql, and the shipped scripts under deploy/scripts.
 */

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const turbozapBin = join(repoRoot, 'turbozap');
export const scriptsDir = join(repoRoot, 'deploy/scripts');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws for a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((done) => {
    const child = execFile(
      command,
      args,
      {
        env: options.env ?? baseEnv(),
        cwd: options.cwd ?? repoRoot,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 32 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** A small, explicit environment: children never inherit the developer's DATABASE_URL & co. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'CI'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  return { ...env, ...extra };
}

// One polling helper for every suite (re-exported: the suites import it from here).
export { freePort, waitFor };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `promise`, or `'timeout'` after `ms` (the timer is cleared either way, so Jest can exit). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** One child process in its own process group, with its output kept for failure messages. */
export class Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  #out = '';
  #listeners: Array<(chunk: string) => void> = [];

  constructor(name: string, command: string, args: string[], env: Record<string, string>, cwd: string) {
    this.name = name;
    this.child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer) => {
      const s = d.toString();
      this.#out = (this.#out + s).slice(-200_000);
      for (const l of this.#listeners) l(s);
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.exited = new Promise((res) => this.child.once('exit', (code, signal) => res(code ?? signal ?? -1)));
  }

  get output(): string {
    return this.#out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in the output (past or future). */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((res, rej) => {
      let seen = this.#out;
      const check = () => {
        const m = seen.match(pattern);
        if (m) {
          cleanup();
          res(m);
        }
      };
      const listener = (chunk: string) => {
        seen += chunk;
        check();
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms; output:\n${this.tail()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      };
      this.#listeners.push(listener);
      check();
    });
  }

  tail(chars = 4000): string {
    return this.#out.slice(-chars);
  }

  signal(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM the process group; SIGKILL it if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<number | string> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

const psqlUrl = (db: string) => {
  const url = new URL(testServices.postgres);
  url.pathname = `/${db}`;
  return url.toString();
};

export const databaseUrl = psqlUrl;

export async function psql(db: string, sql: string): Promise<string> {
  const r = await run('psql', [psqlUrl(db), '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql]);
  if (r.code !== 0) throw new Error(`psql ${db}: ${r.stderr}`);
  return r.stdout.trim();
}

export async function createDatabase(name: string): Promise<void> {
  await psql('postgres', `CREATE DATABASE "${name}"`);
}

export async function dropDatabase(name: string): Promise<void> {
  await psql('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
}

async function rabbitManagement(method: string, path: string): Promise<boolean> {
  const url = new URL(testServices.rabbitmq);
  const auth = Buffer.from(
    `${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`,
  ).toString('base64');
  try {
    const r = await fetch(`http://${url.hostname}:15672/api${path}`, {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      ...(method === 'PUT'
        ? { body: path.startsWith('/permissions') ? '{"configure":".*","write":".*","read":".*"}' : '{}' }
        : {}),
      signal: AbortSignal.timeout(5000),
    });
    return r.ok || (method === 'DELETE' && r.status === 404);
  } catch {
    return false;
  }
}

/** A private vhost: through the management API (15672) when it is enabled, else rabbitmqctl. */
export async function createVhost(vhost: string): Promise<void> {
  const user = decodeURIComponent(new URL(testServices.rabbitmq).username || 'guest');
  if (
    (await rabbitManagement('PUT', `/vhosts/${vhost}`)) &&
    (await rabbitManagement('PUT', `/permissions/${vhost}/${user}`))
  )
    return;
  for (const args of [
    ['add_vhost', vhost],
    ['set_permissions', '-p', vhost, user, '.*', '.*', '.*'],
  ]) {
    const r = await run('rabbitmqctl', args, { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`rabbitmqctl ${args.join(' ')}: ${r.stderr || r.stdout}`);
  }
}

export async function deleteVhost(vhost: string): Promise<void> {
  if (await rabbitManagement('DELETE', `/vhosts/${vhost}`)) return;
  await run('rabbitmqctl', ['delete_vhost', vhost], { timeoutMs: 30_000 });
}

/** Keys in logical database `db` of the Redis on loopback `port`. */
export async function redisDbSize(port: number, db: number): Promise<number> {
  const r = await run('redis-cli', ['-p', String(port), '-n', String(db), 'DBSIZE']);
  return r.code === 0 ? Number(r.stdout.trim()) : Number.NaN;
}

/** s3rver (the devDependency of packages/shared) as a child process, with its bucket created. */
export async function startS3(tmp: string, bucket: string): Promise<{ endpoint: string; bucket: string; proc: Proc }> {
  const script = `
    const S3rver = require(require.resolve('s3rver', { paths: [${JSON.stringify(join(repoRoot, 'packages/shared'))}] }));
    new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(join(tmp, 's3'))},
      configureBuckets: [{ name: ${JSON.stringify(bucket)} }] })
      .run().then(({ port }) => console.log('S3 PORT ' + port), (e) => { console.error(e); process.exit(1); });`;
  const proc = new Proc('s3rver', process.execPath, ['-e', script], baseEnv(), tmp);
  const m = await proc.waitForOutput(/S3 PORT (\d+)/, 20_000);
  return { endpoint: `http://127.0.0.1:${m[1]}`, bucket, proc };
}

export async function startSimulator(tmp: string): Promise<{ url: string; proc: Proc }> {
  const port = await freePort();
  const proc = new Proc('sim', turbozapBin, ['sim', '--port', String(port)], baseEnv(), tmp);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the simulator', () => fetch(`${url}/sim/stats`).then((r) => r.ok), 60_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${proc.tail()}`);
  });
  return { url, proc };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A TurboZap role started with `./turbozap ROLE` on its own SERVER_PORT. */
export class Role {
  readonly role: string;
  readonly port: number;
  proc: Proc;
  readonly env: Record<string, string>;
  readonly cwd: string;

  constructor(role: string, port: number, env: Record<string, string>, cwd: string) {
    this.role = role;
    this.port = port;
    this.env = env;
    this.cwd = cwd;
    this.proc = this.#spawn();
  }

  #spawn(): Proc {
    return new Proc(
      `${this.role}:${this.port}`,
      turbozapBin,
      [this.role],
      { ...this.env, SERVER_PORT: String(this.port) },
      this.cwd,
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Waits for /ready (every dependency up); fails fast with the role's output if it exits. */
  async ready(timeoutMs = 60_000): Promise<this> {
    await waitFor(
      `${this.role} /ready on :${this.port}`,
      async () => {
        if (!this.proc.running) throw new Error(`${this.role} exited (${await this.proc.exited})`);
        return fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok);
      },
      timeoutMs,
      200,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- ${this.role} output ---\n${this.proc.tail()}`);
    });
    return this;
  }

  stop(): Promise<number | string> {
    return this.proc.stop();
  }

  /** Stops and starts the process again (a new environment is read from `.env` in cwd). */
  async restart(): Promise<this> {
    await this.stop();
    this.proc = this.#spawn();
    return this.ready();
  }
}

export async function startRole(role: string, env: Record<string, string>, cwd: string, port?: number): Promise<Role> {
  return new Role(role, port ?? (await freePort()), env, cwd).ready();
}

/** JSON over HTTP with an API key, the way the runbook's curl commands call the API. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown } = {},
  // biome-ignore lint/suspicious/noExplicitAny: test code reads whatever JSON the API answers
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.key ? { 'X-API-Key': options.key } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, body };
}
