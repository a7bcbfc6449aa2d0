import { ChatDrains, type Outcome, type PassResult } from './chat-drain.ts';

/** A chat whose "database" is a list of ready ids: a pass takes up to `limit` of them, in order. */
function fakeChat(ready: string[], limit = 2) {
  const passes: string[][] = [];
  let release: (() => void) | undefined;
  const drains = new ChatDrains(async (): Promise<PassResult> => {
    const claimed = ready.splice(0, limit);
    passes.push(claimed);
    if (release === undefined) await Promise.resolve();
    else await new Promise<void>((resolve) => (release = resolve));
    const outcomes = new Map<string, Outcome>(claimed.map((id) => [id, { kind: 'sent' }]));
    return { outcomes, stopped: false, full: claimed.length === limit };
  });
  return {
    drains,
    passes,
    /** Holds every later pass until `next()` is called. */
    hold() {
      release = () => {};
    },
    next() {
      release?.();
    },
  };
}

describe('ChatDrains', () => {
  test('a job is answered by the pass that sent its message, whichever job started it', async () => {
    const chat = fakeChat(['a', 'b', 'c']);
    const [a, c] = await Promise.all([chat.drains.request('x', 'a'), chat.drains.request('x', 'c')]);
    expect(a).toEqual({ kind: 'sent' });
    expect(c).toEqual({ kind: 'sent' });
    // Two full passes of two, then one that found the rest: c was sent without waiting for b's job.
    expect(chat.passes).toEqual([['a', 'b'], ['c']]);
  });

  test('a message no pass can claim is answered `unclaimed`, once the pass that could have has run', async () => {
    const chat = fakeChat([]);
    expect(await chat.drains.request('x', 'z')).toEqual({ kind: 'unclaimed' });
    expect(chat.passes).toEqual([[]]);
  });

  test('a job that arrives during a pass waits for the next one', async () => {
    const ready = ['a'];
    const chat = fakeChat(ready, 5);
    chat.hold();
    const a = chat.drains.request('x', 'a');
    await Promise.resolve();
    ready.push('b');
    const b = chat.drains.request('x', 'b');
    chat.next();
    expect(await a).toEqual({ kind: 'sent' });
    chat.next();
    expect(await b).toEqual({ kind: 'sent' });
    expect(chat.passes).toEqual([['a'], ['b']]);
  });

  test('a stopped pass gives every waiting job back; a failing pass counts as stopped', async () => {
    let calls = 0;
    const drains = new ChatDrains(async () => {
      calls++;
      if (calls === 1) return { outcomes: new Map(), stopped: true, full: false };
      throw new Error('database down');
    });
    expect(await Promise.all([drains.request('x', 'a'), drains.request('x', 'b')])).toEqual([
      { kind: 'stopped' },
      { kind: 'stopped' },
    ]);
    expect(await drains.request('x', 'c')).toEqual({ kind: 'stopped' });
  });

  test('a job awaiting a pass starts none: the next pass someone else starts sends it, or it times out', async () => {
    const ready: string[] = [];
    const chat = fakeChat(ready, 5);
    const waiting = chat.drains.awaitPass('x', 'b', 5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(chat.passes).toEqual([]);
    // The earlier message's job arrives, and its pass sends both.
    ready.push('a', 'b');
    expect(await chat.drains.request('x', 'a')).toEqual({ kind: 'sent' });
    expect(await waiting).toEqual({ kind: 'sent' });
    expect(chat.passes).toEqual([['a', 'b']]);
    // Nobody comes: `unclaimed` after the wait, still without a pass.
    expect(await chat.drains.awaitPass('x', 'c', 20)).toEqual({ kind: 'unclaimed' });
    expect(chat.passes).toHaveLength(1);
  });

  test('chats drain independently', async () => {
    const order: string[] = [];
    const drains = new ChatDrains(async (chat) => {
      order.push(chat);
      return { outcomes: new Map([[`${chat}-1`, { kind: 'sent' } as Outcome]]), stopped: false, full: false };
    });
    await Promise.all([drains.request('x', 'x-1'), drains.request('y', 'y-1')]);
    expect(order.sort()).toEqual(['x', 'y']);
  });
});
