import { collect, eventually } from '../testing/broker.ts';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { TcpProxy } from '../testing/tcp-proxy.ts';
import { sleep } from '../util/sleep.ts';
import { AmqpBroker } from './amqp-broker.ts';
import { isBrokerError } from './errors.ts';
import { ack } from './port.ts';

// Reconnection without touching the shared RabbitMQ: the broker talks to it through a proxy
// whose link the test cuts and restores.
const describeRabbit = await describeWith('rabbitmq');

describeRabbit('AmqpBroker reconnection (link cut through a proxy)', () => {
  let proxy: TcpProxy;
  const brokers: AmqpBroker[] = [];
  const errors: Array<[string, unknown]> = [];
  const make = (publishTimeoutMs = 30_000): AmqpBroker => {
    const broker = new AmqpBroker({
      url: proxy.url(testServices.rabbitmq),
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      publishTimeoutMs,
      onError: (err, context) => errors.push([context, err]),
    });
    brokers.push(broker);
    return broker;
  };

  beforeEach(async () => {
    proxy = await TcpProxy.start(testServices.rabbitmq);
  });

  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close()));
    await proxy.close();
  });

  test('drops and recovers: unhealthy and fast rejections while down, topology and consumers back after', async () => {
    const broker = make();
    await broker.waitForConnect(10_000);
    const durable = uniqueName('reconnect_durable');
    const exchange = uniqueName('reconnect_ex');
    const stream = uniqueName('reconnect_stream');
    await broker.assertQueue(durable);
    await broker.assertTopicExchange(exchange);
    await broker.assertQueue(stream, { exclusive: true });
    await broker.bindQueue(stream, exchange, 'events.#');
    const durableGot: string[] = [];
    const streamGot: string[] = [];
    await broker.consume(
      durable,
      collect(durableGot, (d) => d.body.toString()),
      { prefetch: 5 },
    );
    await broker.consume(
      stream,
      collect(streamGot, (d) => d.body.toString()),
      { prefetch: 5 },
    );
    await broker.send(durable, Buffer.from('before'));
    await broker.publish(exchange, 'events.a', Buffer.from('before'));
    await eventually(() => durableGot.length === 1 && streamGot.length === 1);

    proxy.cut();
    await eventually(() => !broker.healthy(), 5_000, 'unhealthy after the cut');
    const started = Date.now();
    const err = await broker.send(durable, Buffer.from('while down')).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(isBrokerError(err, 'BROKER_UNAVAILABLE')).toBe(true);
    await expect(broker.depth(durable)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    await sleep(300); // a few failed reconnect attempts

    proxy.restore();
    await broker.waitForConnect(10_000);
    expect(broker.healthy()).toBe(true);
    await broker.send(durable, Buffer.from('after'));
    // The exclusive queue died with the old connection; it was declared and bound again.
    await broker.publish(exchange, 'events.b', Buffer.from('after'));
    await eventually(() => durableGot.includes('after') && streamGot.includes('after'), 10_000, 'deliveries after');
    expect(durableGot).not.toContain('while down');
    await broker.deleteQueue(durable);
    await broker.deleteQueue(`${durable}.dead`);
    await broker.deleteExchange(exchange);
  });

  test('an unacknowledged message is redelivered after the drop (at-least-once)', async () => {
    const broker = make();
    await broker.waitForConnect(10_000);
    const queue = uniqueName('reconnect_redeliver');
    await broker.assertQueue(queue);
    const seen: Array<{ body: string; redelivered: boolean }> = [];
    let hold = true;
    await broker.consume(
      queue,
      async (d) => {
        seen.push({ body: d.body.toString(), redelivered: d.redelivered });
        while (hold && seen.length === 1) await sleep(20);
        return ack;
      },
      { prefetch: 1 },
    );
    await broker.send(queue, Buffer.from('held'));
    await eventually(() => seen.length === 1);
    proxy.cut(); // the ack of the held message can no longer reach the broker
    await sleep(200);
    hold = false;
    proxy.restore();
    await eventually(() => seen.length === 2, 10_000, 'the redelivery');
    expect(seen[1]).toEqual({ body: 'held', redelivered: true });
    await broker.deleteQueue(queue);
    await broker.deleteQueue(`${queue}.dead`);
  });

  test('a publish in flight when the link drops rejects with BROKER_UNAVAILABLE (never hangs or resolves)', async () => {
    const broker = make();
    await broker.waitForConnect(10_000);
    const queue = uniqueName('reconnect_inflight');
    await broker.assertQueue(queue);
    proxy.stall(); // the confirm cannot come back
    const settled = broker.send(queue, Buffer.from('in flight')).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await sleep(200);
    expect(await Promise.race([settled, sleep(0).then(() => 'pending')])).toBe('pending');
    proxy.cut();
    expect(isBrokerError(await settled, 'BROKER_UNAVAILABLE')).toBe(true);
    proxy.restore();
    await broker.waitForConnect(10_000);
    await broker.deleteQueue(queue);
    await broker.deleteQueue(`${queue}.dead`);
  });

  test('a publish whose confirm does not come rejects with BROKER_TIMEOUT', async () => {
    const broker = make(300);
    await broker.waitForConnect(10_000);
    const queue = uniqueName('reconnect_timeout');
    await broker.assertQueue(queue);
    proxy.stall();
    await expect(broker.send(queue, Buffer.from('x'))).rejects.toMatchObject({ code: 'BROKER_TIMEOUT' });
    proxy.cut();
    await eventually(() => !broker.healthy(), 5_000, 'the drop to be noticed');
    proxy.restore();
    await broker.waitForConnect(10_000);
    await broker.deleteQueue(queue);
    await broker.deleteQueue(`${queue}.dead`);
  });

  test('starts while the broker is unreachable and connects once it is', async () => {
    proxy.cut();
    const broker = make();
    await sleep(200);
    expect(broker.healthy()).toBe(false);
    await expect(broker.send('any', Buffer.from('x'))).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    await expect(broker.waitForConnect(100)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    proxy.restore();
    await broker.waitForConnect(10_000);
    expect(broker.healthy()).toBe(true);
  });
});
