import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addVhost, deleteVhost } from '@turbozap/shared/testing/rabbitmq-server';
import { testServices } from '@turbozap/shared/testing/services';
import pg from 'pg';
import S3rver from 's3rver';
import { type Child, freePort, healthy, spawnTurbozap, turbozapBin, waitFor } from './processes.ts';

const run = promisify(execFile);
export type RoleName = 'api' | 'session-worker' | 'sender-worker' | 'worker' | 'sim';

export interface RoleProcess extends Child {
  role: RoleName;
  port: number;
}

/**
 * A distributed TurboZap on this machine for one test file: its own PostgreSQL database,
 * RabbitMQ vhost, Redis key prefix and S3 (s3rver) directory, the WhatsApp simulator, and
 * roles as child processes started and killed at will.
 */
export class Cluster {
  readonly id = `e2e${process.pid}${Date.now().toString(36)}`;
  readonly adminKey = `admin-${'k'.repeat(40)}`;
  readonly sessionKey = 'cd'.repeat(32);
  env: Record<string, string> = {};
  simUrl = '';
  apiUrl = '';
  readonly roles: RoleProcess[] = [];
  #s3?: S3rver;
  #s3Dir = '';

  async start(): Promise<this> {
    const admin = new pg.Client({ connectionString: testServices.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${this.id}`);
    await admin.end();
    await addVhost(this.id);
    this.#s3Dir = await mkdtemp(join(tmpdir(), 'tz-e2e-s3-'));
    this.#s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: this.#s3Dir });
    const { port: s3Port } = await this.#s3.run();
    const dbUrl = new URL(testServices.postgres);
    dbUrl.pathname = `/${this.id}`;
    this.env = {
      DATABASE_URL: dbUrl.toString(),
      RABBITMQ_URL: `${testServices.rabbitmq}/${this.id}`,
      REDIS_URL: testServices.redis,
      REDIS_PREFIX: `${this.id}:`,
      API_KEY: this.adminKey,
      SESSION_ENCRYPTION_KEY: this.sessionKey,
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_BUCKET: 'media',
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      REDIS_RATE_LIMIT_RPM: '0',
      ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
      LEASE_TTL: '6s',
      // Every answer the e2e tests get is held to the document (what the API harness does too).
      API_CHECK_RESPONSES: 'true',
    };
    await run(turbozapBin, ['migrate'], { env: { ...process.env, ...this.env } });
    const sim = await this.startRole('sim');
    this.simUrl = `http://127.0.0.1:${sim.port}`;
    this.env.WHATSAPP_SIMULATOR_URL = this.simUrl;
    return this;
  }

  async startRole(role: RoleName, extra: Record<string, string> = {}): Promise<RoleProcess> {
    const port = await freePort();
    const args = role === 'sim' ? ['sim', '--port', String(port)] : [role];
    const child = spawnTurbozap(args, { ...this.env, SERVER_PORT: String(port), ...extra });
    const proc: RoleProcess = Object.assign(child, { role, port });
    this.roles.push(proc);
    const probe = role === 'sim' ? () => fetch(`http://127.0.0.1:${port}/sim/info`).then((r) => r.ok) : healthy(port);
    await waitFor(`${role} on :${port}`, probe, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${child.output().slice(-3000)}`);
    });
    if (role === 'api' && !this.apiUrl) this.apiUrl = `http://127.0.0.1:${port}`;
    return proc;
  }

  /** Calls the API (the first api role started) with the admin key unless another is given. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read envelopes of many shapes
  async api(method: string, path: string, body?: unknown, key = this.adminKey): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  // biome-ignore lint/suspicious/noExplicitAny: the simulator's control API answers many shapes
  async sim(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.simUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sim ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /**
   * Creates an instance, links it by QR through the simulator's phone `phone`, waits for
   * `connected`. `beforeConnect` runs between (e.g. to set a webhook before any event).
   */
  async linkInstance(
    name: string,
    phone: string,
    beforeConnect?: () => Promise<void>,
  ): Promise<{ key: string; id: string }> {
    const created = await this.api('POST', '/instance/create', { name });
    if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
    await beforeConnect?.();
    await this.api('POST', `/instance/${name}/connect`);
    const qr = await waitFor(
      `QR of ${name}`,
      async () => (await this.api('GET', `/instance/${name}/qrcode`)).body.data.qrcode as string,
      30_000,
      200,
    );
    await this.sim('POST', '/sim/scan', { phone, qr });
    await this.waitStatus(name, 'connected');
    return { key: created.body.data.api_key, id: created.body.data.instance.id };
  }

  async waitStatus(name: string, status: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${name} ${status}`,
      async () => (await this.api('GET', `/instance/${name}/status`)).body.data.status === status,
      timeoutMs,
      200,
    );
  }

  /** Kills every role and removes what start() created; each step is bounded so a slow broker cannot hang a suite. */
  async stop(): Promise<void> {
    for (const role of this.roles) role.kill('SIGKILL');
    // TURBOZAP_E2E_LOGS=<dir>: keep every role's output, to read after a failure.
    const logDir = process.env['TURBOZAP_E2E_LOGS'];
    if (logDir) {
      await mkdir(logDir, { recursive: true });
      for (const [i, role] of this.roles.entries())
        await writeFile(join(logDir, `${role.role}-${i}.log`), role.output());
    }
    await Promise.race([Promise.all(this.roles.map((r) => r.exited)), new Promise((r) => setTimeout(r, 10_000))]);
    await this.#s3?.close().catch(() => {});
    await rm(this.#s3Dir, { recursive: true, force: true });
    await deleteVhost(this.id);
    const admin = new pg.Client({ connectionString: testServices.postgres });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.id} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
