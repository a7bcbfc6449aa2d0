import { describeWith, testServices } from '../testing/services.ts';
import { AmqpBroker } from './amqp-broker.ts';
import { brokerContract } from './broker.contract.ts';

const describeRabbit = await describeWith('rabbitmq');

brokerContract(
  'amqp',
  () =>
    AmqpBroker.connect(
      { url: testServices.rabbitmq, handlerErrorRetryMs: 100, connectionName: 'contract-test' },
      10_000,
    ),
  describeRabbit,
);

describeRabbit('amqp queue types', () => {
  test('durable queues are quorum queues unless declared not replicated, then classic (dead-letter queue alike)', async () => {
    const { connect } = await import('amqplib');
    const broker = await AmqpBroker.connect({ url: testServices.rabbitmq, connectionName: 'queue-types' }, 10_000);
    const raw = await connect(testServices.rabbitmq);
    const suffix = Math.random().toString(36).slice(2);
    const replicated = `types.replicated.${suffix}`;
    const single = `types.single.${suffix}`;
    /** Re-declaring with a different x-queue-type is refused (406): that tells the type. */
    const isType = async (queue: string, type: 'quorum' | 'classic') => {
      const channel = await raw.createChannel();
      channel.on('error', () => {});
      try {
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': type } });
        await channel.close();
        return true;
      } catch {
        return false;
      }
    };
    try {
      await broker.assertQueue(replicated, {});
      await broker.assertQueue(single, { singleActiveConsumer: true, replicated: false });
      expect(await isType(replicated, 'quorum')).toBe(true);
      expect(await isType(single, 'quorum')).toBe(false);
      expect(await isType(`${single}.dead`, 'quorum')).toBe(false);
      // Still a working single-active-consumer queue.
      await broker.send(single, Buffer.from('x'));
      expect(await broker.depth(single)).toBe(1);
    } finally {
      const channel = await raw.createChannel();
      for (const q of [replicated, `${replicated}.dead`, single, `${single}.dead`]) await channel.deleteQueue(q);
      await raw.close();
      await broker.close();
    }
  });
});
