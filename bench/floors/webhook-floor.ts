// The webhook floor, a child process of bench/webhooks.ts: a bare undici client POSTing signed
// event bodies to the same receiver as TurboZap, with the same requests in flight and the same
// connections per origin — the irreducible HTTP work of a delivery (serialise the envelope,
// HMAC-sign it, POST it, read the answer), with no queue, no database and no bookkeeping.
// Driven over IPC:
//   { cmd: 'run', base, targets: [{ path, secret, instance: { id, name } }], count, concurrency,
//     connections, tag }
//     → { sent, failed, seconds, p50, p99 (request latency, ms), errors }
// Sends { ready: true } when it can take commands.
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { EventEnvelope } from '../../packages/shared/src/contracts/events.ts';
import { benchEvent } from '../lib/webhook-events.ts';

if (!process.send) throw new Error('run by bench/webhooks.ts (IPC)');
const send = process.send.bind(process);

interface Target {
  path: string;
  secret: string;
  instance: { id: string; name: string };
}
interface RunArgs {
  base: string;
  targets: Target[];
  count: number;
  concurrency: number;
  connections: number;
  tag: string;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

async function run(args: RunArgs) {
  const agent = new Agent({ connections: args.connections, keepAliveTimeout: 10_000 });
  // The events exist before the clock starts, as TurboZap's do (they are in its queue).
  const events: { target: Target; envelope: EventEnvelope }[] = Array.from({ length: args.count }, (_, k) => {
    const target = args.targets[k % args.targets.length] as Target;
    const envelope = benchEvent(target.instance, args.tag, k);
    return { target, envelope };
  });
  const latencies: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (next < events.length) {
        const { target, envelope } = events[next++] as (typeof events)[number];
        const t0 = performance.now();
        const body = Buffer.from(JSON.stringify(envelope));
        const ts = Math.floor(Date.now() / 1000);
        const v1 = createHmac('sha256', target.secret).update(`${ts}.`).update(body).digest('hex');
        try {
          const res = await request(`${args.base}${target.path}`, {
            method: 'POST',
            body,
            headers: {
              'content-type': 'application/json',
              'user-agent': 'TurboZap-Webhooks/1',
              'x-turbozap-signature': `t=${ts},v1=${v1}`,
              'x-turbozap-event': envelope.event,
              'x-turbozap-event-id': envelope.id,
              'x-turbozap-delivery': randomUUID(),
            },
            dispatcher: agent,
          });
          await res.body.dump();
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failed++;
          if (errors.length < 5) errors.push(String(error));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  return {
    sent: latencies.length,
    failed,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

process.on('message', (raw) => {
  const msg = raw as { id: number; cmd: string } & RunArgs;
  if (msg.cmd !== 'run') return send({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
  run(msg).then(
    (result) => send({ id: msg.id, ok: true, ...result }),
    (error: unknown) => send({ id: msg.id, ok: false, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
