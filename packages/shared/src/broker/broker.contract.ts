import { collect, eventually, type MakeBroker, rejectsWith, type TestBroker, text } from '../testing/broker.ts';
import { uniqueName } from '../testing/services.ts';
import { sleep } from '../util/sleep.ts';
import { DEAD_FROM_HEADER, DEAD_REASON_HEADER } from './conventions.ts';
import { isBrokerError } from './errors.ts';
import { ack, type Broker, type Delivery, dead, type HandlerResult, type QueueOptions, retry } from './port.ts';

/**
 * The behaviour every Broker adapter must have. Run by memory-broker.test.ts and
 * amqp-broker.int.test.ts; `makeBroker` should use `handlerErrorRetryMs: 100`.
 */
export function brokerContract(name: string, makeBroker: MakeBroker, describeFn: jest.Describe = describe): void {
  describeFn(`${name}: Broker contract`, () => {
    let opened: TestBroker[] = [];
    let queues: string[] = [];
    let exchanges: string[] = [];
    let broker: TestBroker;

    const open = async (): Promise<TestBroker> => {
      const b = await makeBroker();
      opened.push(b);
      return b;
    };
    const newQueue = async (options?: QueueOptions, on: Broker = broker): Promise<string> => {
      const queue = uniqueName('contract');
      await on.assertQueue(queue, options);
      queues.push(queue, `${queue}.dead`);
      return queue;
    };

    beforeEach(async () => {
      broker = await open();
    });

    afterEach(async () => {
      await Promise.all(opened.map((b) => b.close()));
      const janitor = await makeBroker();
      for (const queue of queues) await janitor.deleteQueue(queue).catch(() => {});
      for (const exchange of exchanges) await janitor.deleteExchange(exchange).catch(() => {});
      await janitor.close();
      opened = [];
      queues = [];
      exchanges = [];
    });

    test('send and consume round trip: body, messageId, headers, attempts 0', async () => {
      const queue = await newQueue();
      await broker.send(queue, Buffer.from('hello'), { messageId: 'm-1', headers: { tenant: 't1', n: 7 } });
      const got: Delivery[] = [];
      await broker.consume(
        queue,
        collect(got, (d) => d),
        { prefetch: 10 },
      );
      await eventually(() => got.length === 1);
      expect(text(got[0]!)).toBe('hello');
      expect(got[0]).toMatchObject({ messageId: 'm-1', routingKey: queue, attempts: 0, redelivered: false });
      expect(got[0]!.headers).toEqual({ tenant: 't1', n: 7 });
      await sleep(100);
      expect(got).toHaveLength(1);
      expect(await broker.depth(queue)).toBe(0);
    });

    test('a resolved publish is stored (confirmed): depth counts it at once', async () => {
      const queue = await newQueue();
      await Promise.all([1, 2, 3, 4, 5].map((i) => broker.send(queue, Buffer.from(`m${i}`))));
      expect(await broker.depth(queue)).toBe(5);
    });

    test('unroutable and missing targets reject loudly', async () => {
      await rejectsWith(broker.send(uniqueName('missing'), Buffer.from('x')), 'BROKER_UNROUTABLE');
      await rejectsWith(broker.publish(uniqueName('missing_ex'), 'k', Buffer.from('x')), 'BROKER_NOT_FOUND');
      await rejectsWith(
        broker.consume(uniqueName('missing'), async () => ack, { prefetch: 1 }),
        'BROKER_NOT_FOUND',
      );
      await rejectsWith(broker.depth(uniqueName('missing')), 'BROKER_NOT_FOUND');
      // The broker is still fine afterwards.
      const queue = await newQueue();
      await broker.send(queue, Buffer.from('ok'));
      expect(await broker.depth(queue)).toBe(1);
    });

    test('re-declaring a queue with other options is refused', async () => {
      const queue = await newQueue();
      await broker.assertQueue(queue); // same options: fine
      await rejectsWith(broker.assertQueue(queue, { singleActiveConsumer: true }), 'BROKER_PRECONDITION_FAILED');
    });

    test('prefetch bounds the unacknowledged deliveries; depth excludes them', async () => {
      const queue = await newQueue();
      for (let i = 0; i < 6; i++) await broker.send(queue, Buffer.from(`m${i}`));
      let inFlight = 0;
      let maxInFlight = 0;
      const done: string[] = [];
      const releases: Array<() => void> = [];
      await broker.consume(
        queue,
        async (d) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise<void>((release) => releases.push(release));
          inFlight--;
          done.push(text(d));
          return ack;
        },
        { prefetch: 2 },
      );
      await eventually(() => releases.length === 2);
      await sleep(150);
      expect(releases).toHaveLength(2);
      expect(await broker.depth(queue)).toBe(4);
      while (done.length < 6) {
        releases.shift()?.();
        await sleep(5);
      }
      expect(maxInFlight).toBe(2);
      expect(done.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    });

    test('retry(delay) redelivers after about the delay with attempts + 1, keeping id and headers', async () => {
      const queue = await newQueue();
      const seen: Array<{ at: number; d: Delivery }> = [];
      await broker.consume(
        queue,
        async (d): Promise<HandlerResult> => {
          seen.push({ at: Date.now(), d });
          return d.attempts < 2 ? retry(300) : ack;
        },
        { prefetch: 1 },
      );
      await broker.send(queue, Buffer.from('again'), { messageId: 'r-1', headers: { k: 'v' } });
      await eventually(() => seen.length === 3, 10_000, 'three deliveries');
      expect(seen.map((s) => s.d.attempts)).toEqual([0, 1, 2]);
      for (const s of seen) expect(s.d).toMatchObject({ messageId: 'r-1', headers: { k: 'v' }, routingKey: queue });
      for (let i = 1; i < 3; i++) {
        const gap = seen[i]!.at - seen[i - 1]!.at;
        expect(gap).toBeGreaterThanOrEqual(250);
        expect(gap).toBeLessThan(3_000);
      }
      await sleep(400);
      expect(seen).toHaveLength(3);
    });

    test('a waiting retry does not hold a prefetch slot', async () => {
      const queue = await newQueue();
      const got: string[] = [];
      await broker.consume(
        queue,
        async (d) => {
          got.push(`${text(d)}#${d.attempts}`);
          return text(d) === 'slow' && d.attempts === 0 ? retry(1_000) : ack;
        },
        { prefetch: 1 },
      );
      await broker.send(queue, Buffer.from('slow'));
      await eventually(() => got.length === 1);
      await broker.send(queue, Buffer.from('fast'));
      await eventually(() => got.includes('fast#0'), 700, 'the second message while the first waits');
      await eventually(() => got.includes('slow#1'), 5_000, 'the retried message');
    });

    test('a handler that throws is retried', async () => {
      const queue = await newQueue();
      const attempts: number[] = [];
      await broker.consume(
        queue,
        async (d) => {
          attempts.push(d.attempts);
          if (d.attempts === 0) throw new Error('boom');
          return ack;
        },
        { prefetch: 1 },
      );
      await broker.send(queue, Buffer.from('x'));
      await eventually(() => attempts.length === 2, 5_000);
      expect(attempts).toEqual([0, 1]);
    });

    test('dead(reason) dead-letters the message to <queue>.dead with the reason', async () => {
      const queue = await newQueue();
      await broker.consume(queue, async (d) => (d.attempts === 0 ? retry(50) : dead('bad payload')), {
        prefetch: 1,
      });
      await broker.send(queue, Buffer.from('poison'), { messageId: 'p-1', headers: { k: 'v' } });
      await eventually(async () => (await broker.depth(`${queue}.dead`)) === 1, 5_000, 'the dead letter');
      expect(await broker.depth(queue)).toBe(0);
      const deadLettered: Delivery[] = [];
      await broker.consume(
        `${queue}.dead`,
        collect(deadLettered, (d) => d),
        { prefetch: 1 },
      );
      await eventually(() => deadLettered.length === 1);
      expect(text(deadLettered[0]!)).toBe('poison');
      expect(deadLettered[0]).toMatchObject({ messageId: 'p-1', attempts: 1 });
      expect(deadLettered[0]!.headers).toMatchObject({
        k: 'v',
        [DEAD_REASON_HEADER]: 'bad payload',
        [DEAD_FROM_HEADER]: queue,
      });
    });

    test('dead() without dead-lettering drops the message', async () => {
      const queue = await newQueue({ deadLetter: false });
      let calls = 0;
      await broker.consume(
        queue,
        async () => {
          calls++;
          return dead('nope');
        },
        { prefetch: 1 },
      );
      await broker.send(queue, Buffer.from('x'));
      await eventually(() => calls === 1);
      await sleep(200);
      expect(calls).toBe(1);
      expect(await broker.depth(queue)).toBe(0);
      await rejectsWith(broker.depth(`${queue}.dead`), 'BROKER_NOT_FOUND');
    });

    test('topic exchange: * matches one word, # zero or more; unbind stops routing', async () => {
      const exchange = uniqueName('contract_ex');
      await broker.assertTopicExchange(exchange);
      exchanges.push(exchange);
      const patterns = { one: 'inst.*.msg', many: 'inst.#', tail: '#.status', exact: 'inst.a.msg' };
      const routed: Record<string, string[]> = {};
      const queueOf: Record<string, string> = {};
      for (const [label, pattern] of Object.entries(patterns)) {
        const queue = await newQueue({ deadLetter: false });
        queueOf[label] = queue;
        await broker.bindQueue(queue, exchange, pattern);
        routed[label] = [];
        await broker.consume(
          queue,
          collect(routed[label]!, (d) => d.routingKey),
          { prefetch: 10 },
        );
      }
      for (const key of ['inst.a.msg', 'inst.b.msg', 'inst', 'inst.a.b.status', 'other.status', 'nobody.cares'])
        await broker.publish(exchange, key, Buffer.from(key));
      const expected = {
        one: ['inst.a.msg', 'inst.b.msg'],
        many: ['inst.a.msg', 'inst.b.msg', 'inst', 'inst.a.b.status'],
        tail: ['inst.a.b.status', 'other.status'],
        exact: ['inst.a.msg'],
      };
      await eventually(() => Object.entries(expected).every(([k, v]) => routed[k]!.length === v.length));
      await sleep(100);
      for (const [label, keys] of Object.entries(expected)) expect(routed[label]!.sort()).toEqual(keys.sort());

      await broker.unbindQueue(queueOf['one']!, exchange, patterns.one);
      await broker.publish(exchange, 'inst.c.msg', Buffer.from('late'));
      await eventually(() => routed['many']!.includes('inst.c.msg'));
      await sleep(100);
      expect(routed['one']).not.toContain('inst.c.msg');
    });

    test('single active consumer: only one receives; when it cancels the other takes over', async () => {
      const queue = await newQueue({ singleActiveConsumer: true });
      const first: string[] = [];
      const second: string[] = [];
      const c1 = await broker.consume(queue, collect(first, text), { prefetch: 5 });
      const other = await open();
      await other.consume(queue, collect(second, text), { prefetch: 5 });
      for (let i = 0; i < 6; i++) await broker.send(queue, Buffer.from(`a${i}`));
      await eventually(() => first.length === 6);
      expect(second).toEqual([]);
      await c1.cancel();
      for (let i = 0; i < 3; i++) await broker.send(queue, Buffer.from(`b${i}`));
      await eventually(() => second.length === 3);
      expect(second).toEqual(['b0', 'b1', 'b2']);
      expect(first).toHaveLength(6);
    });

    test('exclusive queue: private to its connection, gone when it closes', async () => {
      const owner = await open();
      const queue = await newQueue({ exclusive: true }, owner);
      const got: string[] = [];
      await owner.consume(queue, collect(got, text), { prefetch: 1 });
      await rejectsWith(
        broker.consume(queue, async () => ack, { prefetch: 1 }),
        'BROKER_RESOURCE_LOCKED',
      );
      await broker.send(queue, Buffer.from('to the owner'));
      await eventually(() => got.length === 1);
      await owner.close();
      await rejectsWith(broker.depth(queue), 'BROKER_NOT_FOUND');
    });

    test('an exclusive queue is deleted with its last consumer (auto-delete)', async () => {
      const queue = await newQueue({ exclusive: true });
      const consumer = await broker.consume(queue, async () => ack, { prefetch: 1 });
      expect(await broker.depth(queue)).toBe(0);
      await consumer.cancel();
      await eventually(async () =>
        broker.depth(queue).then(
          () => false,
          (e) => isBrokerError(e, 'BROKER_NOT_FOUND'),
        ),
      );
    });

    test('depth and purge', async () => {
      const queue = await newQueue();
      for (let i = 0; i < 3; i++) await broker.send(queue, Buffer.from(`m${i}`));
      expect(await broker.depth(queue)).toBe(3);
      expect(await broker.purge(queue)).toBe(3);
      expect(await broker.depth(queue)).toBe(0);
      expect(await broker.purge(queue)).toBe(0);
    });

    test('cancel stops deliveries; the in-flight one still completes and is acked', async () => {
      const queue = await newQueue();
      const got: string[] = [];
      let release: () => void = () => {};
      const consumer = await broker.consume(
        queue,
        async (d) => {
          got.push(text(d));
          if (text(d) === 'slow') await new Promise<void>((r) => (release = r));
          return ack;
        },
        { prefetch: 1 },
      );
      await broker.send(queue, Buffer.from('slow'));
      await eventually(() => got.length === 1);
      const cancelled = consumer.cancel();
      await sleep(50);
      release();
      await cancelled;
      await broker.send(queue, Buffer.from('after'));
      await sleep(200);
      expect(got).toEqual(['slow']);
      expect(await broker.depth(queue)).toBe(1);
      const again: string[] = [];
      await broker.consume(queue, collect(again, text), { prefetch: 1 });
      await eventually(() => again.length === 1);
      await sleep(100);
      expect(again).toEqual(['after']);
    });

    test('expired messages are dropped, never delivered late', async () => {
      const queue = await newQueue();
      await broker.send(queue, Buffer.from('stale'), { expirationMs: 50 });
      await sleep(200);
      await broker.send(queue, Buffer.from('fresh'), { expirationMs: 60_000 });
      const got: string[] = [];
      await broker.consume(queue, collect(got, text), { prefetch: 5 });
      await eventually(() => got.length >= 1);
      await sleep(100);
      expect(got).toEqual(['fresh']);
    });

    test('deleteQueue removes the queue and ends its consumers', async () => {
      const queue = await newQueue();
      await broker.consume(queue, async () => ack, { prefetch: 1 });
      await broker.deleteQueue(queue);
      await rejectsWith(broker.depth(queue), 'BROKER_NOT_FOUND');
      await rejectsWith(broker.send(queue, Buffer.from('x')), 'BROKER_UNROUTABLE');
      await broker.deleteQueue(queue); // idempotent
    });

    test('after close: unhealthy, operations reject with BROKER_CLOSED', async () => {
      const b = await open();
      expect(b.healthy()).toBe(true);
      await b.close();
      expect(b.healthy()).toBe(false);
      await rejectsWith(b.send('anything', Buffer.from('x')), 'BROKER_CLOSED');
      await b.close(); // idempotent
    });
  });
}
