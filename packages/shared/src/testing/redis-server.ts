import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { testServices } from './services.ts';
import { waitFor } from './wait.ts';

/**
 * Throw-away Redis servers for tests, and stopping and starting the test Redis for fault tests:
 * the fault tier runs them against a Redis of its own (fault-services.ts), so the restart
 * disturbs no one else. Without persistence: a restart empties it, as a real crash would.
 */
const run = promisify(execFile);
const { hostname, port } = new URL(testServices.redis);

/** Whether the test Redis is on this machine (only then can a test restart it). */
export const redisIsLocal = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);

/** The command line of a throw-away loopback Redis on `port`, daemonized, working in `dir`. */
export function redisServerArgs(port: number | string, dir = tmpdir()): string[] {
  // biome-ignore format: one flag and its value per line reads like a command line
  return [
    '--daemonize', 'yes',
    '--bind', '127.0.0.1', '-::1',
    '--port', String(port),
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', '',
  ];
}

export async function pingRedisAt(at: number | string, host = '127.0.0.1'): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', host, '-p', String(at), 'ping'], { timeout: 2000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

const pingRedis = (): Promise<boolean> => pingRedisAt(port, hostname);

export async function stopRedis(): Promise<void> {
  // SHUTDOWN closes the connection instead of replying; the exit code does not matter.
  await run('redis-cli', ['-h', hostname, '-p', port, 'shutdown', 'nosave'], { timeout: 5000 }).catch(() => undefined);
  await waitFor('redis to stop', async () => !(await pingRedis()), 10_000, 50);
}

export async function startRedis(): Promise<void> {
  if (await pingRedis()) return;
  await run('redis-server', redisServerArgs(port));
  await waitFor('redis to answer PING', pingRedis, 20_000, 50);
}

/** Every key is gone afterwards (no persistence), as after a real Redis crash. */
export async function restartRedis(): Promise<void> {
  await stopRedis();
  await startRedis();
}

/** A loopback Redis that belongs to one test run: nothing else reads, writes or flushes it. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>/<db>`: logical databases of this Redis alone. */
  url(db?: number): string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Tests that need an empty Redis, or stop one, get their own: the machine's Redis is shared by
 * every suite running beside, so "an empty logical database" found there can be filled by
 * another suite a moment later.
 */
export async function startPrivateRedis(label: string): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), `tz-${label}-redis-`));
  const port = await freePort();
  await run('redis-server', redisServerArgs(port, dir));
  await waitFor(`the ${label} Redis`, () => pingRedisAt(port), 20_000, 50);
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      await run('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeout: 5_000 }).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
