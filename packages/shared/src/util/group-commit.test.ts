import { GroupCommit, refusedRow } from './group-commit.ts';

const refused = (code: string) => Object.assign(new Error(`refused ${code}`), { code });

describe('GroupCommit', () => {
  test('a lone item goes at once; items arriving meanwhile go together in the next batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((x) => x * 10);
    });
    const first = gc.submit(1);
    const rest = [gc.submit(2), gc.submit(3), gc.submit(4)];
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test('items submitted together start together', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      { concurrency: 2 },
    );
    expect(await Promise.all(gc.submitAll([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  test('items with the same key never share a batch, and keep their order', async () => {
    const batches: string[][] = [];
    const gc = new GroupCommit<string, string>(
      async (items) => {
        batches.push(items);
        await Promise.resolve();
        return items;
      },
      { key: (s) => s.split(':')[0] as string },
    );
    await Promise.all(['a:1', 'a:2', 'b:1', 'a:3', 'c:1'].map((s) => gc.submit(s)));
    expect(batches).toEqual([['a:1'], ['a:2', 'b:1', 'c:1'], ['a:3']]);
  });

  test('an item waits while an earlier one with its key is written, even with a free slot', async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const gc = new GroupCommit<string, string>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items;
      },
      { concurrency: 2, key: (s) => s.split(':')[0] as string },
    );
    const first = gc.submit('a:1');
    const later = [gc.submit('a:2'), gc.submit('b:1')];
    await Promise.resolve();
    expect(batches).toEqual([['a:1'], ['b:1']]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([['a:1'], ['b:1'], ['a:2']]);
  });

  test('an Error answer rejects its own item only; a thrown batch rejects all of it; maxBatch caps a batch', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        calls++;
        if (items.includes(99)) throw new Error('down');
        return items.map((x) => (x < 0 ? new Error(`bad ${x}`) : x));
      },
      { maxBatch: 2 },
    );
    await expect(gc.submit(-1)).rejects.toThrow('bad -1');
    const results = await Promise.allSettled([gc.submit(1), gc.submit(2), gc.submit(99), gc.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(calls).toBe(4);
  });

  // As the sender-worker's webhook writes use it (delivery rows, attempt results).
  test('the first item goes out at once; items arriving meanwhile go out together next', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((i) => i * 2);
      },
      { maxBatch: 10, single: async (i) => i * 2 },
    );
    const first = batcher.submit(1);
    const rest = [2, 3, 4].map((i) => batcher.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test('batches hold at most maxBatch items', async () => {
    const sizes: number[] = [];
    const batcher = new GroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 3, single: async (i) => i },
    );
    await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
    await batcher.idle();
  });

  test('a batch the database refuses is written item by item, so one bad item fails alone', async () => {
    const batcher = new GroupCommit<string, string>(
      async (items) => {
        if (items.includes('bad')) throw refused('22P05');
        return items;
      },
      {
        maxBatch: 10,
        single: async (item) => {
          if (item === 'bad') throw refused('22P05');
          return `${item}!`;
        },
      },
    );
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((i) => batcher.submit(i)));
    // 'a' went out alone first; 'bad' and 'b' together, then one by one.
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual(['a', 'rejected', 'b!']);
  });

  test('a batch that failed for another reason (connection lost) fails every item, without retrying each', async () => {
    let singles = 0;
    const batcher = new GroupCommit<number, number>(
      async () => {
        throw new Error('Connection terminated');
      },
      {
        maxBatch: 10,
        single: async (i) => {
          singles++;
          return i;
        },
      },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.submit(i)));
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
