import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { startPrivateRedis } from './redis-server.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** What the fault tier's tests see instead of the machine's Redis and RabbitMQ. */
export interface FaultServices {
  env: { TEST_REDIS_URL: string; TEST_RABBITMQ_URL: string; TEST_RABBITMQ_NODE: string };
  stop(): Promise<void>;
}

/**
 * A Redis and a RabbitMQ node of the fault tier's own, on free ports: fault tests stop and
 * restart them, and nothing else on the machine (the other tiers running beside, a developer's
 * stack) notices. Postgres stays shared: no fault test restarts it (they cut it with a TCP proxy).
 */
export async function startFaultServices(): Promise<FaultServices> {
  const dir = await mkdtemp(join(tmpdir(), 'tz-fault-services-'));
  const [amqpPort, distPort] = [await freePort(), await freePort()];
  const node = `tzfault${process.pid}@localhost`;
  const redis = await startPrivateRedis('fault-tier');
  await startRabbitNode(dir, node, amqpPort, distPort);
  return {
    env: {
      TEST_REDIS_URL: redis.url(),
      TEST_RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
      TEST_RABBITMQ_NODE: node,
    },
    async stop() {
      await redis.stop();
      await run('rabbitmqctl', ['-n', node, 'stop'], { timeout: 60_000 }).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startRabbitNode(dir: string, node: string, amqpPort: number, distPort: number): Promise<void> {
  // No plugins (the management one would want the machine node's port 15672); loopback only.
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${amqpPort}\n`);
  // Run as root, rabbitmq-server drops to the rabbitmq user, which must own its directories.
  if (process.getuid?.() === 0) await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
  await run('rabbitmq-server', ['-detached'], {
    timeout: 30_000,
    env: {
      ...process.env,
      RABBITMQ_NODENAME: node,
      RABBITMQ_NODE_PORT: String(amqpPort),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    },
  });
  await waitFor(
    'the fault tier RabbitMQ node',
    () => run('rabbitmqctl', ['-n', node, 'await_startup', '--timeout', '10'], { timeout: 20_000 }).then(() => true),
    120_000,
    500,
  );
}
