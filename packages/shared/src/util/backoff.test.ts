import { exponentialDelay, jitteredDelay } from './backoff.ts';

describe('exponentialDelay', () => {
  test('grows by the factor from the base, up to the cap', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => exponentialDelay(policy, n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect([0, 1, 2, 3].map((n) => exponentialDelay({ ...policy, factor: 4 }, n))).toEqual([100, 400, 1_000, 1_000]);
  });

  test('a negative step is the base, a huge one the cap', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(exponentialDelay(policy, -3)).toBe(100);
    expect(exponentialDelay(policy, 5_000)).toBe(1_000);
  });
});

describe('jitteredDelay', () => {
  test('lies between half the delay and the delay', () => {
    const policy = { baseMs: 1_000, maxMs: 60_000 };
    expect(jitteredDelay(policy, 3, () => 0)).toBe(4_000);
    expect(jitteredDelay(policy, 3, () => 1)).toBe(8_000);
    expect(jitteredDelay(policy, 3, () => 0.5)).toBe(6_000);
    expect(jitteredDelay(policy, 40, () => 1)).toBe(60_000);
  });

  test('uses Math.random by default', () => {
    for (let i = 0; i < 50; i++) {
      const delay = jitteredDelay({ baseMs: 100, maxMs: 1_000 }, 2);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});
