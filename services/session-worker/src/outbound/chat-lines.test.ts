import { ChatLines } from './chat-lines.ts';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('chat lines', () => {
  test('a job waits for the lower-numbered jobs of its chat only', async () => {
    const lines = new ChatLines();
    let finishFirst!: () => void;
    const first = new Promise<void>((r) => {
      finishFirst = r;
    });
    const leaveFirst = lines.enter('a', 1, first);
    lines.enter('a', 3, new Promise(() => {}));
    lines.enter('b', 0, new Promise(() => {}));
    const second = lines.before('a', 2);
    expect(await settled(second)).toBe(false);
    // Higher numbers (3) and other chats (b) never hold it back.
    finishFirst();
    leaveFirst();
    expect(await settled(second)).toBe(true);
  });

  test('a waiter learns when a job of its chat arrives, and gives up at its deadline', async () => {
    const lines = new ChatLines();
    lines.enter('a', 5, new Promise(() => {}));
    const signal = new AbortController().signal;
    const arrival = lines.changed('a', 60_000, signal);
    expect(await settled(arrival)).toBe(false);
    lines.enter('a', 4, new Promise(() => {}));
    expect(await settled(arrival)).toBe(true);
    const started = Date.now();
    await lines.changed('a', 20, signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  test('an aborted waiter returns at once', async () => {
    const lines = new ChatLines();
    lines.enter('a', 1, new Promise(() => {}));
    const abort = new AbortController();
    const waiting = lines.changed('a', 60_000, abort.signal);
    abort.abort();
    expect(await settled(waiting)).toBe(true);
  });
});
