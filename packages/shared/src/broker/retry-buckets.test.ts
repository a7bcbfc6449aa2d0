import { MAX_RETRY_DELAY_MS, MIN_RETRY_DELAY_MS, retryBucketMs } from './retry-buckets.ts';

test('delays map to a nearby rung', () => {
  expect(retryBucketMs(1000)).toBe(1000);
  expect(retryBucketMs(250)).toBe(250);
  expect(retryBucketMs(1100)).toBe(1000);
  expect(retryBucketMs(1200)).toBe(1250);
  expect(retryBucketMs(0)).toBe(MIN_RETRY_DELAY_MS);
  expect(retryBucketMs(-5)).toBe(MIN_RETRY_DELAY_MS);
  expect(retryBucketMs(Number.NaN)).toBe(MIN_RETRY_DELAY_MS);
  expect(retryBucketMs(10 * MAX_RETRY_DELAY_MS)).toBe(MAX_RETRY_DELAY_MS);
});

test('every delay lands within 12% and the ladder stays small', () => {
  const rungs = new Set<number>();
  for (let d = MIN_RETRY_DELAY_MS; d <= MAX_RETRY_DELAY_MS; d = Math.ceil(d * 1.01)) {
    const rung = retryBucketMs(d);
    rungs.add(rung);
    expect(Math.abs(rung - d) / d).toBeLessThan(0.12);
  }
  expect(rungs.size).toBeLessThan(100);
});

test('rungs are whole milliseconds (they become x-message-ttl)', () => {
  for (let d = MIN_RETRY_DELAY_MS; d <= MAX_RETRY_DELAY_MS; d *= 1.1)
    expect(Number.isInteger(retryBucketMs(d))).toBe(true);
});
