import { BatchedMarker } from './batched-marker.ts';

describe('batched marker', () => {
  test('writes full batches at once and the rest on flush', async () => {
    const batches: string[][] = [];
    const marker = new BatchedMarker({ mark: async (ids) => batches.push(ids), onError: () => {}, batchSize: 2 });
    for (const id of ['a', 'b', 'c']) marker.add(id);
    await marker.flush();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  test('a failed batch is kept for the next attempt, and the oldest go past the cap', async () => {
    let down = true;
    const marked: string[] = [];
    const errors: number[] = [];
    const marker = new BatchedMarker({
      mark: async (ids) => {
        if (down) throw new Error('database down');
        marked.push(...ids);
      },
      onError: (count) => errors.push(count),
      maxUnmarked: 2,
      delayMs: 60_000,
    });
    for (const id of ['a', 'b', 'c']) marker.add(id);
    await marker.flush();
    expect(errors).toEqual([3]);
    down = false;
    await marker.flush();
    expect(marked).toEqual(['b', 'c']);
  });
});
