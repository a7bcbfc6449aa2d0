import { whileUnavailable } from './while-unavailable.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('whileUnavailable', () => {
  test('waits out an unreachable dependency, however many attempts it takes', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await whileUnavailable(
      async () => {
        calls++;
        if (calls < 6) throw refused();
        return 'stored';
      },
      { signal: new AbortController().signal, firstDelayMs: 1, maxDelayMs: 2, onWait: (_, n) => waits.push(n) },
    );
    expect(result).toBe('stored');
    expect(calls).toBe(6);
    expect(waits).toEqual([1, 2, 3, 4, 5]);
  });

  test("the work's own error is thrown at once", async () => {
    let calls = 0;
    const bug = new TypeError('cannot read properties of undefined');
    await expect(
      whileUnavailable(
        async () => {
          calls++;
          throw bug;
        },
        { signal: new AbortController().signal, firstDelayMs: 1 },
      ),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  test('stops waiting when the signal aborts, with the last failure', async () => {
    const owner = new AbortController();
    let calls = 0;
    const pending = whileUnavailable(
      async () => {
        calls++;
        throw refused();
      },
      { signal: owner.signal, firstDelayMs: 10_000 },
    );
    await new Promise((r) => setTimeout(r, 20));
    owner.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(1);
  });
});
