import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@turbozap/shared/blobs';
import { MemoryBroker } from '@turbozap/shared/broker';
import { loadConfig } from '@turbozap/shared/config';
import { MemoryCoordination } from '@turbozap/shared/coordination';
import type { DB } from '@turbozap/shared/db/schema';
import { silentLogger } from '@turbozap/shared/logging';
import { createMetrics, createRegistry } from '@turbozap/shared/metrics';
import type { Runtime } from '@turbozap/shared/runtime';
import { createTestDatabase, type TestDatabaseKind } from '@turbozap/shared/testing/database';
import { servicesUp } from '@turbozap/shared/testing/services';
import type { Kysely } from 'kysely';
import { createApp } from '../app.ts';
import { type Clock, createDeps } from '../deps.ts';
import { EventHub } from '../events-stream/hub.ts';
import type { RouteTable } from '../http/route.ts';
import { apiLimits } from '../limits.ts';

export interface ApiHarness {
  url: string;
  adminKey: string;
  runtime: Runtime;
  routes: RouteTable;
  request(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: tests read envelopes of many shapes
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The real app on a random port, with a private database and in-process broker/coordination. */
export async function startApi(
  options: {
    db?: TestDatabaseKind;
    env?: Record<string, string>;
    runtime?: Partial<Runtime>;
    /** Failed authentications per minute per address; unlimited unless a test asks (the access tests fail hundreds). */
    failedAuthPerMinute?: number;
    /** Failed key lookups per minute for the whole replica; unlimited unless a test asks. */
    failedLookupsPerMinute?: number;
    /** The time the authenticator's budgets and key cache read: a test that counts lookups freezes it. */
    clock?: Clock;
    /** Wraps the database the app uses (a test counting its queries). */
    wrapDb?: (db: Kysely<DB>) => Kysely<DB>;
  } = {},
): Promise<ApiHarness> {
  const adminKey = `admin-${'x'.repeat(40)}`;
  const env = { API_KEY: adminKey, REDIS_RATE_LIMIT_RPM: '0', ...options.env };
  const config = loadConfig('all', env);
  // The real Postgres by default (fast to isolate per schema); the embedded database where a test asks.
  const database = await createTestDatabase(options.db ?? ((await servicesUp('postgres')) ? 'postgres' : 'pglite'));
  const dir = mkdtempSync(join(tmpdir(), 'tz-api-'));
  const registry = createRegistry();
  const runtime: Runtime = {
    config,
    db: options.wrapDb ? options.wrapDb(database.db) : database.db,
    broker: new MemoryBroker(),
    coordination: new MemoryCoordination(),
    blobs: new FsBlobStore({ root: dir, publicBaseUrl: 'http://127.0.0.1', secret: 'test-secret-test-secret' }),
    logger: silentLogger(),
    metrics: createMetrics(registry),
    registry,
    processId: `test-${process.pid}`,
    ...options.runtime,
  };
  const deps = createDeps(
    runtime,
    {
      ...apiLimits(config),
      failedAuthPerMinute: options.failedAuthPerMinute ?? Number.MAX_SAFE_INTEGER,
      failedLookupsPerMinute: options.failedLookupsPerMinute ?? Number.MAX_SAFE_INTEGER,
    },
    { ...(options.clock ? { clock: options.clock } : {}), checkResponses: true },
  );
  const hub = new EventHub(runtime);
  const { app, routes } = createApp({ deps, hub, readiness: async () => ({ database: true }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    adminKey,
    runtime,
    routes,
    async request(method, path, { key = adminKey, body, headers = {} } = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(key ? { 'X-API-Key': key } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.publisher.flush();
      await hub.stop();
      await runtime.broker.close();
      await runtime.coordination.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
