import { Batcher, refusedRow } from './batcher.ts';

const refused = (code: string) => Object.assign(new Error(`refused ${code}`), { code });

describe('Batcher', () => {
  test('the first item goes out at once; items arriving meanwhile go out together next', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = new Batcher<number, number>({
      maxBatch: 10,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((i) => i * 2);
      },
      single: async (i) => i * 2,
    });
    const first = batcher.add(1);
    const rest = [2, 3, 4].map((i) => batcher.add(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test('batches hold at most maxBatch items', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>({
      maxBatch: 3,
      run: async (items) => {
        sizes.push(items.length);
        return items;
      },
      single: async (i) => i,
    });
    await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.add(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
    await batcher.idle();
  });

  test('a batch the database refuses is written item by item, so one bad item fails alone', async () => {
    const batcher = new Batcher<string, string>({
      maxBatch: 10,
      run: async (items) => {
        if (items.includes('bad')) throw refused('22P05');
        return items;
      },
      single: async (item) => {
        if (item === 'bad') throw refused('22P05');
        return `${item}!`;
      },
    });
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((i) => batcher.add(i)));
    // 'a' went out alone first; 'bad' and 'b' together, then one by one.
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual(['a', 'rejected', 'b!']);
  });

  test('a batch that failed for another reason (connection lost) fails every item, without retrying each', async () => {
    let singles = 0;
    const batcher = new Batcher<number, number>({
      maxBatch: 10,
      run: async () => {
        throw new Error('Connection terminated');
      },
      single: async (i) => {
        singles++;
        return i;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.add(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(singles).toBe(0);
  });

  test('refusedRow: data, integrity and deadlock errors are the rows; anything else is not', () => {
    expect(refusedRow(refused('22P05'))).toBe(true);
    expect(refusedRow(refused('23503'))).toBe(true);
    expect(refusedRow(refused('40P01'))).toBe(true);
    expect(refusedRow(refused('57P01'))).toBe(false);
    expect(refusedRow(refused('ECONNRESET'))).toBe(false);
    expect(refusedRow(new Error('x'))).toBe(false);
    expect(refusedRow(null)).toBe(false);
  });
});
