import { connect } from 'node:net';

/** The real services tests run against (loopback only). Override with TEST_* variables. */
export const testServices = {
  postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  rabbitmq: process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
} as const;

export type TestService = keyof typeof testServices;

function probe(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1000 });
    socket.once('connect', () => resolve(socket.destroy() === socket));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(socket.destroy() !== socket));
  });
}

/**
 * Whether the named services answer. Outside CI an unreachable one is reported loudly and
 * its tests are skipped; with CI=true it is a failure, never a skip.
 */
export async function servicesUp(...names: TestService[]): Promise<boolean> {
  const down: string[] = [];
  for (const name of names) if (!(await probe(testServices[name]))) down.push(`${name} (${testServices[name]})`);
  if (down.length === 0) return true;
  const message = `required test service unreachable: ${down.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`SKIPPING: ${message}`);
  return false;
}

/** `describe` when the services are up, `describe.skip` otherwise. */
export async function describeWith(...names: TestService[]): Promise<jest.Describe> {
  return (await servicesUp(...names)) ? describe : describe.skip;
}

/** A name unique to this test process, for queues, key prefixes and schemas. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
