import type { Response } from 'express';

/** One event to send; `seq` is its cursor, absent for an event the outbox does not hold. */
export interface StreamEvent {
  seq: number | undefined;
  event: string;
  data: string;
}

export interface SseStreamOptions {
  /** Bytes queued for a client that does not read before it is dropped (it reconnects and replays). */
  maxBufferedBytes: number;
  keepAliveMs: number;
}

export const sseStreamDefaults: SseStreamOptions = { maxBufferedBytes: 1024 * 1024, keepAliveMs: 15_000 };

/** Replayed cursors remembered to drop their live duplicates; the newest are the likely ones. */
const rememberedReplays = 5_000;

/**
 * One client's event stream. Live events that arrive while the replay runs are held and sent
 * after it (unless the replay sent them), so the client sees its backlog first and nothing
 * twice. Memory stays bounded: the replay waits for the client to drain, and a client that
 * lets live events pile up past `maxBufferedBytes` is disconnected rather than buffered for.
 */
export class SseStream {
  readonly #res: Response;
  readonly #o: SseStreamOptions;
  #held: StreamEvent[] | undefined = [];
  #heldBytes = 0;
  readonly #replayed = new Set<number>();
  readonly #keepAlive: NodeJS.Timeout;

  constructor(res: Response, options: SseStreamOptions = sseStreamDefaults) {
    this.#res = res;
    this.#o = options;
    this.#keepAlive = setInterval(() => this.#write(': keep-alive\n\n'), options.keepAliveMs);
    // A client gone before this was built has already closed: no 'close' is coming.
    if (this.closed) clearInterval(this.#keepAlive);
    else res.once('close', () => clearInterval(this.#keepAlive));
  }

  get closed(): boolean {
    return this.#res.destroyed || this.#res.writableEnded || this.#res.socket?.destroyed === true;
  }

  /** A live event: sent now, or held until the replay ends. */
  live(event: StreamEvent): void {
    if (this.closed) return;
    if (this.#held === undefined) {
      if (event.seq === undefined || !this.#replayed.has(event.seq)) this.#write(frame(event));
      return;
    }
    this.#held.push(event);
    this.#heldBytes += event.data.length;
    if (this.#heldBytes > this.#o.maxBufferedBytes) this.#drop();
  }

  /** A replayed event; resolves once the client can take more (or is gone). */
  async replay(event: StreamEvent): Promise<void> {
    if (event.seq !== undefined) this.#remember(event.seq);
    if (this.#write(frame(event))) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#res.off('drain', done).off('close', done);
        resolve();
      };
      this.#res.on('drain', done).on('close', done);
      if (this.closed) done();
    });
  }

  /** The replay is over: held live events go out, minus those it sent. */
  endReplay(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) this.live(event);
  }

  #remember(seq: number): void {
    this.#replayed.add(seq);
    if (this.#replayed.size > rememberedReplays) this.#replayed.delete(this.#replayed.values().next().value as number);
  }

  /** Writes now; false when the client is not keeping up (or gone). */
  #write(text: string): boolean {
    if (this.closed) return false;
    if (this.#res.write(text)) return true;
    if (this.#res.writableLength > this.#o.maxBufferedBytes) this.#drop();
    return false;
  }

  /** Disconnects a client too slow to keep: buffering for it would grow without bound. */
  #drop(): void {
    this.#held = [];
    this.#heldBytes = 0;
    this.#res.destroy();
  }
}

/** An event without a cursor has no `id:` line, so the client's Last-Event-ID stays resumable. */
const frame = ({ seq, event, data }: StreamEvent): string =>
  `${seq === undefined ? '' : `id: ${seq}\n`}event: ${event}\ndata: ${data}\n\n`;
