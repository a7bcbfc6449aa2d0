import { sleep } from './sleep.ts';

test('sleep waits at least the given time, on the pinned Node 24', async () => {
  const started = Date.now();
  await sleep(20);
  expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  expect(process.versions.node.split('.')[0]).toBe('24');
});
