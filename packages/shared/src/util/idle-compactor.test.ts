import { IdleCompactor } from './idle-compactor.ts';

const MB = 1024 * 1024;

function fakeProcess() {
  const state = { cpu: 0, rss: 100 * MB, collections: 0 };
  const compactor = new IdleCompactor({
    slackBytes: 48 * MB,
    idleCpuShare: 0.05,
    cpuMicros: () => state.cpu,
    rss: () => state.rss,
    gc: () => {
      state.collections++;
      state.rss = 110 * MB;
    },
  });
  return { state, compactor };
}

describe('IdleCompactor', () => {
  test('compacts once the process is idle with memory grown past the slack, then not again', () => {
    const { state, compactor } = fakeProcess();
    compactor.start();
    compactor.stop();
    let t = Date.now();
    const later = (ms: number) => {
      t += ms;
      return t;
    };
    // A burst: busy (50 % of a core) and the heap grows.
    state.cpu += 2_500_000;
    state.rss = 300 * MB;
    expect(compactor.check(later(5_000))).toBe(false);
    // Idle now: one collection.
    state.cpu += 10_000;
    expect(compactor.check(later(5_000))).toBe(true);
    expect(state.collections).toBe(1);
    // Still idle, at its floor: nothing more.
    expect(compactor.check(later(5_000))).toBe(false);
    expect(state.collections).toBe(1);
    // Another burst right after: not within the minimum gap of the last compaction, then again.
    state.rss = 300 * MB;
    expect(compactor.check(later(5_000))).toBe(false);
    expect(compactor.check(later(30_000))).toBe(true);
    expect(state.collections).toBe(2);
  });

  test('memory within the slack is left alone even when idle', () => {
    const { state, compactor } = fakeProcess();
    compactor.start();
    compactor.stop();
    state.rss = 140 * MB;
    expect(compactor.check(Date.now() + 5_000)).toBe(false);
    expect(state.collections).toBe(0);
  });
});
