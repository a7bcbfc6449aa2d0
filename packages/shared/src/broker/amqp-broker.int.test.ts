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
