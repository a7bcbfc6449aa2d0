import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testServices, uniqueName } from '@turbozap/shared/testing/services';

const run = promisify(execFile);

export interface TestVhost {
  url: string;
  remove(): Promise<void>;
}

/**
 * A private RabbitMQ vhost, so this file's fixed queue names (`whatsapp.send.messages`,
 * `turbozap.webhooks`) never meet another test's. Needs `rabbitmqctl` (the broker runs on this
 * machine); null when it is not usable.
 */
export async function createTestVhost(): Promise<TestVhost | null> {
  const name = uniqueName('tzsw');
  try {
    await run('rabbitmqctl', ['add_vhost', name], { timeout: 30_000 });
    await run('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*'], { timeout: 30_000 });
  } catch (err) {
    console.warn(`SKIPPING: cannot create a RabbitMQ vhost with rabbitmqctl: ${String(err)}`);
    return null;
  }
  const url = new URL(testServices.rabbitmq);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    async remove() {
      await run('rabbitmqctl', ['delete_vhost', name], { timeout: 30_000 }).catch(() => {});
    },
  };
}
