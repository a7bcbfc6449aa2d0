import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sleep } from '../util/sleep.ts';

const run = promisify(execFile);

/**
 * `rabbitmqctl` against the test broker: the machine's node, or the fault tier's private one
 * when TEST_RABBITMQ_NODE names it (see fault-services.ts).
 */
export async function rabbitmqctl(args: string[], timeoutMs = 30_000): Promise<string> {
  const node = process.env.TEST_RABBITMQ_NODE;
  const { stdout } = await run('rabbitmqctl', [...(node ? ['-n', node] : []), ...args], { timeout: timeoutMs });
  return stdout;
}

/** A vhost with full rights for `guest`, so a test's fixed queue names never meet another test's. */
export async function addVhost(name: string): Promise<void> {
  await rabbitmqctl(['add_vhost', name]);
  await rabbitmqctl(['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
}

export async function deleteVhost(name: string): Promise<void> {
  await rabbitmqctl(['delete_vhost', name]).catch(() => {});
}

const running = () =>
  rabbitmqctl(['await_startup', '--timeout', '5'], 15_000).then(
    () => true,
    () => false,
  );

/** Stops the broker's application (connections drop, the node stays), waits `downMs`, starts it again. */
export async function restartRabbit(downMs: number): Promise<void> {
  await rabbitmqctl(['stop_app'], 90_000);
  await sleep(downMs);
  await ensureRabbitRunning();
}

/** Brings the broker's application back whatever state a failed test left it in. */
export async function ensureRabbitRunning(): Promise<void> {
  if (await running()) return;
  await rabbitmqctl(['start_app'], 90_000).catch(() => {});
  const deadline = Date.now() + 90_000;
  while (!(await running())) {
    if (Date.now() > deadline) throw new Error('RabbitMQ did not come back');
    await sleep(1_000);
  }
}
