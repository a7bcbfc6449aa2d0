/** One event as a client parses it: `id` is absent when the server sent no `id:` line. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/** A test's view of an SSE response: events one at a time, each with a deadline. */
export interface SseClient {
  status: number;
  /** The error envelope's code when the stream was refused (status not 200). */
  errorCode: string | undefined;
  /** The next event, or undefined when none comes within `timeoutMs` (or the stream ended). */
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  close(): Promise<void>;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const res = await fetch(url, { headers });
  const errorCode = res.status === 200 ? undefined : ((await res.json()) as { error?: { code?: string } }).error?.code;
  const reader = res.status === 200 ? res.body?.getReader() : undefined;
  const decoder = new TextDecoder();
  const ready: SseMessage[] = [];
  let text = '';
  let pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;
  const parse = () => {
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const block of blocks) {
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const event = field('event');
      if (event !== undefined) ready.push({ id: field('id'), event, data: field('data') ?? '' });
    }
  };
  return {
    status: res.status,
    errorCode,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (ready.length === 0 && reader) {
        pending ??= reader.read();
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        let timer: NodeJS.Timeout | undefined;
        const result = await Promise.race([
          pending,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), left);
          }),
        ]);
        clearTimeout(timer);
        if (!result) return undefined;
        pending = undefined;
        if (result.done) break;
        text += decoder.decode(result.value, { stream: true });
        parse();
      }
      return ready.shift();
    },
    async close() {
      await reader?.cancel().catch(() => {});
      if (!reader) await res.body?.cancel().catch(() => {});
    },
  };
}
