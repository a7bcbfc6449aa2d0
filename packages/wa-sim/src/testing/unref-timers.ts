// TEST-ONLY: Baileys leaves some long timers behind after a socket ends (e.g. the 30 s pre-key
// upload timeout in a Promise.race that is never cleared), which keeps a Jest worker alive for
// 30 s after its tests finished (and retry flows leave 2-8 s delays). Timers of at least `minMs`
// created afterwards are unref'd: they
// still fire while the process runs, they just no longer keep it alive.
let installed = false;

export function unrefLongTimers(minMs = 1000): void {
  if (installed) return;
  installed = true;
  const original = globalThis.setTimeout;
  const patched = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = original(handler, ms, ...args);
    if ((ms ?? 0) >= minMs) timer.unref?.();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(patched, original);
}
