import type { WASocket } from '@whiskeysockets/baileys';
import { ReadPause } from './read-pause.ts';

/** A Baileys socket whose `ws` records what it was told. */
function fakeSocket(name: string, log: string[]): WASocket {
  const socket = { pause: () => log.push(`${name} pause`), resume: () => log.push(`${name} resume`) };
  return { ws: { socket } } as unknown as WASocket;
}

describe('reading stops while a write waits for the database', () => {
  test('the socket reads again only once every hold is let go; a release twice counts once', () => {
    const log: string[] = [];
    const changes: boolean[] = [];
    const sock = fakeSocket('s1', log);
    const pause = new ReadPause(
      () => sock,
      (paused) => changes.push(paused),
    );
    const first = pause.hold();
    const second = pause.hold();
    expect(log).toEqual(['s1 pause']);
    first();
    first();
    expect(log).toEqual(['s1 pause']);
    second();
    expect(log).toEqual(['s1 pause', 's1 resume']);
    expect(changes).toEqual([true, false]);
  });

  test('a socket that replaced a paused one is paused too, and both read again at the end', () => {
    const log: string[] = [];
    let sock = fakeSocket('old', log);
    const pause = new ReadPause(() => sock);
    const first = pause.hold();
    sock = fakeSocket('new', log);
    const second = pause.hold();
    first();
    second();
    expect(log).toEqual(['old pause', 'new pause', 'old resume', 'new resume']);
  });

  test('without a socket there is nothing to pause, and nothing is left paused', () => {
    const changes: boolean[] = [];
    const pause = new ReadPause(
      () => undefined,
      (paused) => changes.push(paused),
    );
    pause.hold()();
    expect(changes).toEqual([]);
  });
});
