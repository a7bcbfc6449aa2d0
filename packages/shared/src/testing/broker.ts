// What the broker tests share: polling for a condition, recording handlers, and the broker the
// contract (broker/broker.contract.ts) runs against.

import { isBrokerError } from '../broker/errors.ts';
import { ack, type Broker, type Delivery, type HandlerResult } from '../broker/port.ts';
import { sleep } from '../util/sleep.ts';

/** A broker that can also drop exchanges (not in the port; both adapters have it), for cleanup. */
export type TestBroker = Broker & { deleteExchange(exchange: string): Promise<void> };

/** Opens a new connection to the same broker each call (tests use two for exclusivity). */
export type MakeBroker = () => Promise<TestBroker>;

/** Polls until `check` holds (or fails the test after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export const text = (d: Delivery): string => d.body.toString();

/** A handler that records something about each delivery and acks it. */
export const collect =
  <T>(into: T[], pick: (d: Delivery) => T) =>
  async (d: Delivery): Promise<HandlerResult> => {
    into.push(pick(d));
    return ack;
  };

/** Fails unless `promise` rejects with a BrokerError of `code`. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isBrokerError(err) ? err.code : err).toBe(code);
}
