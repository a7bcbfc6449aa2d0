// Running TurboZap's own roles as child processes (`./turbozap <role>`), the way production does.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Child, freePort, runDir, startChild, waitForHttp } from './children.ts';
import { repoRoot } from './deps.ts';
import type { ServiceUrls } from './services.ts';

const run = promisify(execFile);
export const turbozapBin = join(repoRoot, 'turbozap');

export const adminKey = `bench-admin-${'k'.repeat(40)}`;

/** The environment of a distributed role pointed at this run's own database, vhost and Redis db. */
export function roleEnv(services: ServiceUrls, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: services.databaseUrl,
    RABBITMQ_URL: services.amqpUrl,
    REDIS_URL: services.redisUrl,
    API_KEY: adminKey,
    LOG_LEVEL: 'warn',
    SERVER_HOST: '127.0.0.1',
    ...extra,
  };
}

/** `./turbozap migrate` against this run's database. */
export async function migrate(services: ServiceUrls): Promise<void> {
  try {
    await run(turbozapBin, ['migrate'], {
      cwd: runDir(),
      env: { ...process.env, DATABASE_URL: services.databaseUrl },
      timeout: 120_000,
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`turbozap migrate failed: ${e.stderr || e.stdout || e.message}`);
  }
}

export interface RoleProcess {
  child: Child;
  url: string;
  port: number;
}

/** Starts `./turbozap <role>` on a free port and waits for /ready. */
export async function startRole(
  name: string,
  role: 'api' | 'worker' | 'session-worker' | 'sender-worker',
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<RoleProcess> {
  const port = await freePort();
  const child = startChild(name, turbozapBin, [role], { env: { ...env, SERVER_PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/ready`, timeoutMs);
  return { child, url, port };
}

/** A JSON request to a TurboZap API with the admin key (or `key`). */
export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  key: string = adminKey,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T };
}

/** Creates an instance; returns its id and its instance key. */
export async function createInstance(base: string, name: string): Promise<{ id: string; key: string }> {
  const res = await api<{ data?: { instance: { id: string }; api_key: string } }>(base, 'POST', '/api/instance/create', { name });
  if (res.status !== 201 || !res.body.data) throw new Error(`instance/create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.instance.id, key: res.body.data.api_key };
}
