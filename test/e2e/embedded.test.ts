import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, freePort, healthy, spawnTurbozap, waitFor } from './support/processes.ts';

const adminKey = `admin-${'e'.repeat(40)}`;

describe('embedded mode (turbozap all with nothing configured)', () => {
  let dataDir: string;
  let port: number;
  const children: Child[] = [];
  const start = (extra: Record<string, string> = {}) => {
    const child = spawnTurbozap(['all'], {
      DATA_DIR: dataDir,
      SERVER_PORT: String(port),
      API_KEY: adminKey,
      REDIS_RATE_LIMIT_RPM: '0',
      ...extra,
    });
    children.push(child);
    return child;
  };
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tz-embedded-'));
    port = await freePort();
  });
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('kill -9 while accepting messages loses none that got a 202; the data directory is locked', async () => {
    const first = start();
    await waitFor('turbozap all', healthy(port), 90_000);
    expect((await api('POST', '/instance/create', { name: 'durable' })).status).toBe(201);

    const second = start();
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/in use by another TurboZap/);

    const accepted: string[] = [];
    let stop = false;
    const sender = async () => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await api('POST', '/message/durable/text', { to: '5511999990000', text: `n-${i}` });
          if (res.status === 202) accepted.push(((await res.json()) as { data: { id: string } }).data.id);
        } catch {
          return; // the server died mid-request: that request got no 202
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await waitFor('some accepted messages', async () => accepted.length >= 200, 60_000);
    first.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await first.exited;

    start();
    await waitFor('turbozap all after kill -9', healthy(port), 90_000);
    const missing: string[] = [];
    for (const id of accepted) {
      const res = await api('GET', `/message/durable/${id}`);
      if (res.status !== 200) missing.push(id);
    }
    expect({ accepted: accepted.length, missing }).toEqual({ accepted: accepted.length, missing: [] });
  }, 240_000);

  test('a partial distributed configuration is refused, naming what is missing', async () => {
    const child = spawnTurbozap(['all'], {
      DATA_DIR: dataDir,
      SERVER_PORT: String(await freePort()),
      DATABASE_URL: 'postgres://127.0.0.1/x',
    });
    children.push(child);
    expect(await child.exited).toBe(2);
    expect(child.output()).toMatch(/partial distributed configuration.*RABBITMQ_URL, REDIS_URL/);
  }, 60_000);

  test('an invalid variable stops the process at start with every problem listed', async () => {
    const child = spawnTurbozap(['api'], { SERVER_PORT: 'abc', DATABASE_URL: 'nope', SESSION_ENCRYPTION_KEY: 'short' });
    children.push(child);
    expect(await child.exited).toBe(2);
    const out = child.output();
    expect(out).toMatch(/SERVER_PORT/);
    expect(out).toMatch(/DATABASE_URL/);
    expect(out).toMatch(/SESSION_ENCRYPTION_KEY/);
    expect(out).toMatch(/RABBITMQ_URL, REDIS_URL/);
  }, 60_000);
});
