import { decide, parseRetryAfter } from './retry-policy.ts';

const policy = { retryCount: 5, backoff: { baseMs: 1_000, factor: 2, maxMs: 60_000 } };
const half = () => 0.5;

describe('webhook retry policy', () => {
  test('2xx is delivered', () => {
    expect(decide({ statusCode: 204 }, 1, policy)).toEqual({ status: 'delivered', outcome: 'delivered' });
  });

  test('4xx other than 408/429 and 3xx fail at once', () => {
    for (const code of [400, 401, 404, 410, 301])
      expect(decide({ statusCode: code }, 1, policy).outcome).toBe('failed');
  });

  test('5xx, 408, 429 and network errors retry with exponential backoff and jitter', () => {
    for (const code of [500, 503, 408, 429, null])
      expect(decide({ statusCode: code }, 1, policy, half).outcome).toBe('retry');
    expect(decide({ statusCode: 500 }, 1, policy, half).retryInMs).toBe(750);
    expect(decide({ statusCode: 500 }, 3, policy, half).retryInMs).toBe(3_000);
    expect(decide({ statusCode: 500 }, 3, policy, () => 0).retryInMs).toBe(2_000);
    expect(decide({ statusCode: 500 }, 3, policy, () => 1).retryInMs).toBe(4_000);
  });

  test('WEBHOOK_RETRY_COUNT is the number of retries after the first attempt', () => {
    expect(decide({ statusCode: 500 }, 5, policy).outcome).toBe('retry');
    expect(decide({ statusCode: 500 }, 6, policy).outcome).toBe('failed');
    expect(decide({ statusCode: 500 }, 1, { ...policy, retryCount: 0 }).outcome).toBe('failed');
  });

  test('Retry-After stretches the delay, capped', () => {
    expect(decide({ statusCode: 429, retryAfterMs: 30_000 }, 1, policy, half).retryInMs).toBe(30_000);
    expect(decide({ statusCode: 429, retryAfterMs: 999_999 }, 1, policy, half).retryInMs).toBe(60_000);
    expect(parseRetryAfter('12', 0)).toBe(12_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  test('a permanent refusal fails at once', () => {
    expect(decide({ statusCode: null, permanent: true }, 1, policy).outcome).toBe('failed');
  });
});
