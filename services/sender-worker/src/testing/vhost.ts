import { addVhost, deleteVhost } from '@turbozap/shared/testing/rabbitmq-server';
import { testServices, uniqueName } from '@turbozap/shared/testing/services';

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
    await addVhost(name);
  } catch (err) {
    console.warn(`SKIPPING: cannot create a RabbitMQ vhost with rabbitmqctl: ${String(err)}`);
    return null;
  }
  const url = new URL(testServices.rabbitmq);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    url: url.toString(),
    remove: () => deleteVhost(name),
  };
}
