// A child process that asks GET /health every EVERY_MS ms from the moment it starts, so the
// latency it records is the server's, not the queue of a load generator in the same event loop.
// Driven over IPC by bench/auth-flood.ts:
//   { cmd: 'stop' }   stop probing; reply { id, ok, latencies } (ms, one per answered probe)
import { setTimeout as sleep } from 'node:timers/promises';

const url = process.env.HEALTH_URL ?? '';
const everyMs = Number(process.env.EVERY_MS ?? 20);
if (!url || !process.send) throw new Error('run by bench/auth-flood.ts (HEALTH_URL, IPC)');

const latencies: number[] = [];
let running = true;
const loop = (async () => {
  while (running) {
    const started = performance.now();
    const res = await fetch(`${url}/health`).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
    }
    await sleep(everyMs);
  }
})();

process.on('message', async (msg: { id: number; cmd: string }) => {
  if (msg.cmd !== 'stop') return process.send!({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
  running = false;
  await loop;
  process.send!({ id: msg.id, ok: true, latencies }, undefined, {}, () => process.exit(0));
});
process.send({ ready: true });
