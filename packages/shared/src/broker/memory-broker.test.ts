import { brokerContract } from './broker.contract.ts';
import { MemoryBroker } from './memory-broker.ts';
import { MemoryBrokerServer } from './memory-server.ts';

const server = new MemoryBrokerServer();
afterAll(() => server.close());

brokerContract('memory', async () => new MemoryBroker({ server, handlerErrorRetryMs: 100 }));

test('a broker without a shared server gets a private one, closed with it', async () => {
  const a = new MemoryBroker();
  const b = new MemoryBroker();
  await a.assertQueue('only-in-a');
  await expect(b.depth('only-in-a')).rejects.toMatchObject({ code: 'BROKER_NOT_FOUND' });
  await a.close();
  await b.close();
});
