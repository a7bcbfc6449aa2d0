import type { WASocket } from '@whiskeysockets/baileys';

/** The part of Baileys' WebSocket (the `ws` library's) that stops and restarts reading. */
interface Readable {
  pause(): void;
  resume(): void;
}

/**
 * Stops reading an instance's socket while something it delivered cannot be stored (the database
 * is unreachable: a message, its receipts, the Signal keys its decryption advanced), so what
 * WhatsApp sends meanwhile waits in TCP buffers and then with WhatsApp, not in this process: the
 * backlog in memory is what had arrived when the first write stalled. Each stalled write holds
 * the pause (`hold`); the socket reads again once every hold is let go.
 *
 * Baileys' keep-alive closes a socket that hears nothing for its interval plus 5 s, so a long
 * outage still ends in a reconnect; nothing is lost by it, since a message is acknowledged only
 * once stored (WhatsApp delivers what is unacknowledged again at the next login).
 */
export class ReadPause {
  #holds = 0;
  /** Paused sockets: the current one, and an earlier one a reconnect replaced while paused. */
  readonly #paused = new Set<Readable>();
  readonly #socket: () => WASocket | undefined;
  readonly #onChange: (paused: boolean) => void;

  /** `socket`: the instance's current socket, if any; `onChange`: told when reading stops and restarts. */
  constructor(socket: () => WASocket | undefined, onChange: (paused: boolean) => void = () => {}) {
    this.#socket = socket;
    this.#onChange = onChange;
  }

  /** Pauses the current socket until the returned release is called (once is enough; more are ignored). */
  hold(): () => void {
    this.#holds++;
    const sock = this.#socket();
    const readable = sock && readableOf(sock);
    if (readable && !this.#paused.has(readable)) {
      readable.pause();
      this.#paused.add(readable);
      if (this.#paused.size === 1) this.#onChange(true);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds > 0 || this.#paused.size === 0) return;
      for (const paused of this.#paused) paused.resume();
      this.#paused.clear();
      this.#onChange(false);
    };
  }
}

/** Baileys' client keeps the `ws` WebSocket as `socket` (null once closed). */
function readableOf(sock: WASocket): Readable | undefined {
  const socket = (sock.ws as unknown as { socket?: Partial<Readable> | null }).socket;
  return socket && typeof socket.pause === 'function' && typeof socket.resume === 'function'
    ? (socket as Readable)
    : undefined;
}
