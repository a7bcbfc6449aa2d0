// A forced full garbage collection in a child process from outside, over the V8 inspector
// protocol (the child is started with `--inspect=127.0.0.1:<port>` in NODE_OPTIONS): no code of
// the child changes, and no debugger stays attached between calls.
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './children.ts';

/** NODE_OPTIONS for a child whose garbage collector the bench may force (on a free loopback port). */
export async function inspectEnv(): Promise<{ port: number; env: Record<string, string> }> {
  const port = await freePort();
  const existing = process.env['NODE_OPTIONS'] ?? '';
  return { port, env: { NODE_OPTIONS: `${existing} --inspect=127.0.0.1:${port}`.trim() } };
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

/**
 * Connects to the inspector on `port`, runs `HeapProfiler.collectGarbage` (a full, compacting
 * collection) and returns V8's heap usage afterwards (`Runtime.getHeapUsage`), in bytes.
 */
export async function forceGc(
  port: number,
  timeoutMs = 60_000,
): Promise<{
  usedSize: number;
  totalSize: number;
  /** V8's heap before the collection: what it had allocated and how much of it was in use. */
  before: { usedSize: number; totalSize: number };
  memoryUsage?: NodeJS.MemoryUsage;
}> {
  const list = (await (
    await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(10_000) })
  ).json()) as { webSocketDebuggerUrl?: string }[];
  const target = list[0]?.webSocketDebuggerUrl;
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(target);
  const waiting = new Map<number, Pending>();
  let next = 1;
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
    const w = msg.id === undefined ? undefined : waiting.get(msg.id);
    if (!w || msg.id === undefined) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(`inspector: ${JSON.stringify(msg.error)}`));
    else w.resolve(msg.result ?? {});
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector: cannot connect to ${target}`)), { once: true });
  });
  const call = (method: string, params?: Record<string, unknown>) =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }));
      }),
      sleep(timeoutMs).then(() => {
        throw new Error(`inspector: ${method} timed out`);
      }),
    ]);
  try {
    const pre = await call('Runtime.getHeapUsage');
    await call('HeapProfiler.enable');
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.disable');
    const usage = await call('Runtime.getHeapUsage');
    // process.memoryUsage() read the way a debugger console would: where the memory outside
    // V8's heap is (Buffers/ArrayBuffers are `external`/`arrayBuffers`; the rest is native).
    const evaluated = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    }).catch(() => undefined);
    const value = (evaluated?.['result'] as { value?: unknown } | undefined)?.value;
    return {
      usedSize: Number(usage['usedSize'] ?? 0),
      totalSize: Number(usage['totalSize'] ?? 0),
      before: { usedSize: Number(pre['usedSize'] ?? 0), totalSize: Number(pre['totalSize'] ?? 0) },
      ...(typeof value === 'string' ? { memoryUsage: JSON.parse(value) as NodeJS.MemoryUsage } : {}),
    };
  } finally {
    ws.close();
  }
}
