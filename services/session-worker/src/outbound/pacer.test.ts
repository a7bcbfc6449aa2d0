import { Pacer } from './pacer.ts';

describe('send pacing', () => {
  test('0 per minute is off: no waiting at all', async () => {
    const pacer = new Pacer(0);
    // Not a timing: any timer, however short, would let this immediate run before the waits end.
    let timerRan = false;
    const immediate = setImmediate(() => {
      timerRan = true;
    });
    for (let i = 0; i < 100; i++) await pacer.wait();
    expect(timerRan).toBe(false);
    clearImmediate(immediate);
  });

  test('sends are spaced by 60 s / rate with jitter, in order', async () => {
    const pacer = new Pacer(1200, () => 0.5); // 50 ms apart
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        await pacer.wait();
        times.push(Date.now() - started);
      }),
    );
    // Spacing is a lower bound (timers fire late on a busy machine, never early).
    expect(times[3]).toBeGreaterThanOrEqual(145);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(50 * i - 5);
  });
});
