// Running TurboZap's own roles as child processes (`./turbozap <role>`), the way production does.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Child, freePort, runDir, startChild, waitForHttp } from './children.ts';
import { repoRoot } from './deps.ts';
import type { ServiceUrls } from './services.ts';

const run = promisify(execFile);
/** `./turbozap` of this checkout, or TURBOZAP_BIN (e.g. another checkout, to measure a baseline). */
export const turbozapBin = process.env.TURBOZAP_BIN ?? join(repoRoot, 'turbozap');

export const adminKey = `bench-admin-${'k'.repeat(40)}`;

/** The environment of a distributed role pointed at this run's own database, vhost and Redis db. */
export function roleEnv(services: ServiceUrls, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: services.databaseUrl,
    RABBITMQ_URL: services.amqpUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: services.redisPrefix,
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
  const res = await api<{ data?: { instance: { id: string }; api_key: string } }>(
    base,
    'POST',
    '/api/instance/create',
    { name },
  );
  if (res.status !== 201 || !res.body.data)
    throw new Error(`instance/create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.instance.id, key: res.body.data.api_key };
}

/** Polls `check` until it returns a value (not undefined/false) or time runs out. */
export async function until<T>(
  label: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${label}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}

/**
 * Grows `linked` to `count` instances: instance i is `${prefix}${i}`, linked by the simulated
 * phone `${phonePrefix}` + i (7 digits), `concurrency` at a time (linkInstance).
 */
export async function linkUpTo(
  base: string,
  simUrl: string,
  linked: { name: string; key: string }[],
  count: number,
  naming: { prefix: string; phonePrefix: string },
  concurrency = 4,
): Promise<void> {
  const todo = Array.from({ length: Math.max(0, count - linked.length) }, (_, i) => linked.length + i);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < todo.length) {
        const i = todo[next++] as number;
        const name = `${naming.prefix}${i}`;
        const created = await linkInstance(base, simUrl, name, `${naming.phonePrefix}${String(i).padStart(7, '0')}`);
        linked.push({ name, key: created.key });
      }
    }),
  );
}

/**
 * Creates an instance, asks for it to connect, scans its QR with the simulator's phone `phone`
 * (`POST /sim/scan`) and waits for `connected`. Returns its id and instance key.
 */
export async function linkInstance(
  base: string,
  simUrl: string,
  name: string,
  phone: string,
  timeoutMs = 120_000,
): Promise<{ id: string; key: string }> {
  const created = await createInstance(base, name);
  const connect = await api(base, 'POST', `/api/instance/${name}/connect`);
  if (connect.status >= 300) throw new Error(`connect ${name}: ${connect.status} ${JSON.stringify(connect.body)}`);
  const qr = await until(
    `QR of ${name}`,
    async () =>
      (await api<{ data?: { qrcode?: string | null } }>(base, 'GET', `/api/instance/${name}/qrcode`)).body.data
        ?.qrcode ?? undefined,
    timeoutMs,
  );
  const scan = () =>
    fetch(`${simUrl}/sim/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, qr }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  // A keep-alive socket the simulator just closed fails before the request is sent: once more
  // (if the first attempt did reach it, waiting for `connected` below decides).
  const res = await scan().catch(async (error: unknown) => {
    if (!(error instanceof TypeError)) throw error;
    await new Promise((r) => setTimeout(r, 100));
    return scan();
  });
  if (!res.ok && res.status !== 404) throw new Error(`scan ${name}: ${res.status} ${await res.text()}`);
  await waitConnected(base, name, timeoutMs);
  return created;
}

export async function instanceStatus(base: string, name: string): Promise<string | undefined> {
  return (await api<{ data?: { status?: string } }>(base, 'GET', `/api/instance/${name}/status`)).body.data?.status;
}

export async function waitConnected(base: string, name: string, timeoutMs = 120_000): Promise<void> {
  await until(`${name} connected`, async () => (await instanceStatus(base, name)) === 'connected', timeoutMs, 250);
}

/** Statuses of every instance (GET /api/instance/list). */
export async function instanceStatuses(base: string): Promise<Map<string, string>> {
  const res = await api<{ data?: { name: string; status: string }[] }>(base, 'GET', '/api/instance/list');
  return new Map((res.body.data ?? []).map((i) => [i.name, i.status]));
}
