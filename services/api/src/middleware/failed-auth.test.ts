import { FailedLookupBudget } from './failed-auth.ts';

describe('FailedLookupBudget', () => {
  test('a burst of a tenth of the minute, then one lookup per 60/perMinute seconds', () => {
    let now = 0;
    const budget = new FailedLookupBudget(600, { now: () => now });
    for (let i = 0; i < 60; i++) {
      expect(budget.exhaustedFor()).toBe(0);
      budget.spend();
    }
    expect(budget.exhaustedFor()).toBe(1);
    now += 99;
    expect(budget.exhaustedFor()).toBe(1);
    now += 1;
    expect(budget.exhaustedFor()).toBe(0);
    budget.spend();
    expect(budget.exhaustedFor()).toBeGreaterThan(0);
  });

  test('idle time refills up to the burst, never beyond', () => {
    let now = 0;
    const budget = new FailedLookupBudget(60, { now: () => now });
    for (let i = 0; i < 6; i++) budget.spend();
    expect(budget.exhaustedFor()).toBe(1);
    now += 3_600_000;
    let allowed = 0;
    while (budget.exhaustedFor() === 0) {
      budget.spend();
      allowed++;
    }
    expect(allowed).toBe(6);
  });

  test('a slow budget says how long to wait', () => {
    let now = 0;
    const budget = new FailedLookupBudget(6, { now: () => now });
    budget.spend();
    expect(budget.exhaustedFor()).toBe(10);
    now += 5_000;
    expect(budget.exhaustedFor()).toBe(5);
  });
});
