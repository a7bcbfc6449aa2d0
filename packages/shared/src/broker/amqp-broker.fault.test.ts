import { eventually } from '../testing/broker.ts';
import { ensureRabbitRunning, restartRabbit } from '../testing/rabbitmq-server.ts';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { sleep } from '../util/sleep.ts';
import { AmqpBroker } from './amqp-broker.ts';
import { isBrokerError } from './errors.ts';
import { ack } from './port.ts';

// Restarts the fault tier's own RabbitMQ (testing/fault-services.ts). Guarantee checked:
// every publish settles (resolves or rejects, never hangs); every RESOLVED publish is consumed
// at least once (duplicates are allowed: an ack lost in the restart means a redelivery);
// a REJECTED publish has an unknown outcome (it may or may not have been stored) and is the
// caller's to retry. After the restart the broker reconnects and the consumer receives again.

const describeRabbit = await describeWith('rabbitmq');

describeRabbit('AmqpBroker across a RabbitMQ restart (fault)', () => {
  afterAll(ensureRabbitRunning, 120_000);

  test('publishes resolve or reject, none resolved-but-lost; consumers resume by themselves', async () => {
    const errors: string[] = [];
    const broker = await AmqpBroker.connect({
      url: testServices.rabbitmq,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
      publishTimeoutMs: 10_000,
      onError: (err, context) => errors.push(`${context}: ${err instanceof Error ? err.message : String(err)}`),
    });
    const queue = uniqueName('fault_restart');
    try {
      await broker.assertQueue(queue);
      const received = new Map<string, number>();
      await broker.consume(
        queue,
        async (d) => {
          const id = d.body.toString();
          received.set(id, (received.get(id) ?? 0) + 1);
          return ack;
        },
        { prefetch: 20 },
      );

      const outcome = new Map<string, string>();
      const downRejectMs: number[] = [];
      let seq = 0;
      let stop = false;
      let restarted = false;
      let resolvedAfterRestart = 0;
      let inFlightRejected = 0;
      const publisher = async (): Promise<void> => {
        while (!stop) {
          const id = `m${seq++}`;
          const wasDown = !broker.healthy();
          const started = Date.now();
          try {
            await broker.send(queue, Buffer.from(id), { messageId: id });
            if (wasDown) throw new Error(`publish ${id} resolved while the broker was down`);
            outcome.set(id, 'resolved');
            if (restarted) resolvedAfterRestart++;
            await sleep(2);
          } catch (err) {
            outcome.set(id, isBrokerError(err) ? err.code : String(err));
            if (wasDown) downRejectMs.push(Date.now() - started);
            else inFlightRejected++;
            await sleep(20);
          }
        }
      };
      const publishers = Array.from({ length: 4 }, publisher);

      await eventually(() => received.size >= 100, 10_000, 'traffic before the restart');
      try {
        await restartRabbit(1_000);
      } finally {
        restarted = true;
      }
      await broker.waitForConnect(30_000);
      await eventually(() => resolvedAfterRestart >= 100, 30_000, 'publishes confirmed after the restart');
      stop = true;
      await Promise.all(publishers);

      const ids = [...outcome.keys()];
      const resolved = ids.filter((id) => outcome.get(id) === 'resolved');
      const rejected = ids.filter((id) => outcome.get(id) !== 'resolved');
      expect(outcome.size).toBe(seq); // every publish settled
      expect(rejected.length).toBeGreaterThan(0); // the restart really hit the stream
      expect(new Set(rejected.map((id) => outcome.get(id)))).toEqual(new Set(['BROKER_UNAVAILABLE']));
      // Fast, not hanging while down: a hanging publish would wait for its 10 s confirm timeout.
      expect(Math.max(...downRejectMs)).toBeLessThan(2_000);

      await eventually(() => resolved.every((id) => received.has(id)), 30_000, 'every confirmed message consumed');
      const lost = resolved.filter((id) => !received.has(id));
      expect(lost).toEqual([]);
      const duplicates = [...received.values()].filter((n) => n > 1).length;
      const rejectedButStored = rejected.filter((id) => received.has(id)).length;
      console.info(
        `fault: ${ids.length} publishes, ${resolved.length} confirmed (all consumed, ${duplicates} redelivered twice+), ` +
          `${rejected.length} rejected (${inFlightRejected} in flight or racing the drop, ${rejectedButStored} of ` +
          `them stored anyway), max reject latency while down ${Math.max(...downRejectMs)} ms; reported errors:\n` +
          [...new Set(errors)].slice(0, 10).join('\n'),
      );
    } finally {
      await ensureRabbitRunning();
      await broker.waitForConnect(30_000).catch(() => {});
      await broker.deleteQueue(queue).catch(() => {});
      await broker.deleteQueue(`${queue}.dead`).catch(() => {});
      await broker.close();
    }
  }, 180_000);
});
