import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { TurboZapError } from './errors.ts';
import type { TurboZapEvent } from './webhook.ts';

export interface StreamOptions {
  /** Called on each connection, before its first event: a reader of a stream without replay reloads here. */
  onOpen?(): void | Promise<void>;
  /** Called for each event in order; the next is not read until it returns. */
  onEvent(event: TurboZapEvent, id: string | undefined): void | Promise<void>;
  /** Resume after this event: the `id` of the last one handled (it is not repeated). */
  lastEventId?: string;
  /** Ends the stream; `streamEvents` then resolves. */
  signal?: AbortSignal;
  /** Wait before reconnecting after the stream ends or fails (ms). */
  retryMs?: number;
}

interface Connection {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

class HandlerFailed extends Error {
  constructor(cause: unknown) {
    super('onEvent failed', { cause });
  }
}

/** A refusal that reconnecting will not change (a bad key, another instance, a bad cursor). */
const final = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Reads a stream of events (`path`, e.g. an instance's `/api/instance/NAME/events`) until
 * `signal` aborts, reconnecting whenever the stream ends or fails and resuming with
 * `Last-Event-ID`, so every event the outbox still holds arrives once, in order. Sends the key
 * as a header (fetch can; a browser's EventSource cannot: see `eventSourceUrl`). Rejects with a
 * TurboZapError on a refusal retrying cannot fix (401, 403, 404, 400), or with what `onEvent`
 * threw (the event is not read again); resolves once aborted.
 */
export async function streamEvents(connection: Connection, path: string, options: StreamOptions): Promise<void> {
  const { signal, retryMs = 1_000 } = options;
  let lastEventId = options.lastEventId;
  const url = `${connection.baseUrl}${path}`;
  while (!signal?.aborted) {
    try {
      const response = await connection.fetch(url, {
        headers: {
          'X-API-Key': connection.apiKey,
          Accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId }),
        },
        ...(signal ? { signal } : {}),
      });
      if (!response.ok || !response.body) {
        const error = TurboZapError.from(response, await response.json().catch(() => undefined));
        if (final(response.status)) throw error;
      } else {
        await options.onOpen?.();
        let pending: EventSourceMessage[] = [];
        const parser = createParser({ onEvent: (message) => pending.push(message) });
        const decoder = new TextDecoder();
        // A reader, not `for await`: not every browser iterates a ReadableStream.
        const reader = response.body.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          parser.feed(decoder.decode(read.value, { stream: true }));
          const batch = pending;
          pending = [];
          for (const message of batch) {
            const event = JSON.parse(message.data) as TurboZapEvent;
            await Promise.resolve()
              .then(() => options.onEvent(event, message.id))
              .catch((error: unknown) => {
                throw new HandlerFailed(error);
              });
            if (message.id !== undefined) lastEventId = message.id;
          }
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      // The caller's own handler failed: theirs to see, not a reason to read the event again.
      if (error instanceof HandlerFailed) throw error.cause;
      if (error instanceof TurboZapError) throw error;
      // A dropped connection or a server restart: reconnect below and resume.
    }
    await sleep(retryMs, signal);
  }
}
