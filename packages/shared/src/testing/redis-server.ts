import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testServices } from './services.ts';
import { waitFor } from './wait.ts';

/**
 * Stopping and starting the machine's test Redis, for fault tests only (`pnpm run test:fault`,
 * serially and alone: every other user of that Redis is disturbed). Started with the same
 * command line as CI's, on the port of TEST_REDIS_URL, without persistence: a restart empties it.
 */
const run = promisify(execFile);
const { hostname, port } = new URL(testServices.redis);

/** Whether the test Redis is on this machine (only then can a test restart it). */
export const redisIsLocal = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);

export async function pingRedis(): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', hostname, '-p', port, 'ping'], { timeout: 2000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

export async function stopRedis(): Promise<void> {
  // SHUTDOWN closes the connection instead of replying; the exit code does not matter.
  await run('redis-cli', ['-h', hostname, '-p', port, 'shutdown', 'nosave'], { timeout: 5000 }).catch(() => undefined);
  await waitFor('redis to stop', async () => !(await pingRedis()), 10_000, 50);
}

export async function startRedis(): Promise<void> {
  if (await pingRedis()) return;
  // biome-ignore format: one flag and its value per line reads like the CI command it copies
  await run('redis-server', [
    '--daemonize', 'yes',
    '--bind', '127.0.0.1', '-::1',
    '--port', port,
    '--save', '',
    '--appendonly', 'no',
    '--dir', '/var/lib/redis',
    '--logfile', '/var/log/redis/ci.log',
  ]);
  await waitFor('redis to answer PING', pingRedis, 20_000, 50);
}

/** Every key is gone afterwards (no persistence), as after a real Redis crash. */
export async function restartRedis(): Promise<void> {
  await stopRedis();
  await startRedis();
}
