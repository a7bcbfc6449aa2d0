// A child process holding many raw Baileys sockets (in-memory auth) linked to a simulator.
// Driven over IPC by bench/sim-capacity.ts (and the floors of bench/pipeline.ts):
//   { cmd: 'link', phones, concurrency }     link one companion per phone (QR + /sim/scan), keep it open
//   { cmd: 'send', to, seconds, senders, window, rate? } every one of the first `senders` sessions sends texts to `to`
//   { cmd: 'status' }                        open sessions, RSS, CPU
//   { cmd: 'end' }                           close every socket and exit
// Every reply is { id, ok, ...result } or { id, ok: false, error }.
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryAuthState } from '../../packages/wa-sim/src/testing/auth.ts';
import { type ClientOptions, SimClient } from '../../packages/wa-sim/src/testing/client.ts';
import { trustSimulatorRoot } from '../../packages/wa-sim/src/testing/trust.ts';

const simUrl = process.env.SIM_URL ?? '';
const wsUrl = process.env.SIM_WS_URL ?? '';
const rootKey = process.env.SIM_ROOT_KEY ?? '';
if (!simUrl || !wsUrl || !rootKey || !process.send)
  throw new Error('run by bench/sim-capacity.ts (SIM_URL, SIM_WS_URL, SIM_ROOT_KEY, IPC)');
trustSimulatorRoot(rootKey);

const clientOptions: ClientOptions = {
  connectTimeoutMs: 60_000,
  defaultQueryTimeoutMs: 60_000,
  keepAliveIntervalMs: 30_000,
  // Baileys' defaults otherwise: the recent-message cache stays on as in production.
};

interface Session {
  phone: string;
  client: SimClient;
  auth: ReturnType<typeof memoryAuthState>;
}
const sessions: Session[] = [];
/** Closes of sessions that had been open, by `code message` (each is reconnected, as a real client does). */
const closes = new Map<string, number>();
let reconnects = 0;
let ending = false;
// Codes after which a real client must not reconnect: logged out, banned, replaced by another login.
const final = new Set([401, 403, 440]);

// Reconnect sessions that dropped (from their stored credentials), once a second.
setInterval(() => {
  if (ending) return;
  for (const s of sessions) {
    if (s.client.state !== 'close' || final.has(s.client.closeCode ?? 0)) continue;
    const key = `${s.client.closeCode ?? 'none'} ${s.client.closeMessage ?? ''}`.trim();
    closes.set(key, (closes.get(key) ?? 0) + 1);
    reconnects++;
    s.client = new SimClient(wsUrl, s.auth, clientOptions);
  }
}, 1_000).unref();

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${simUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function linkOne(phone: string): Promise<void> {
  const auth = memoryAuthState();
  const first = new SimClient(wsUrl, auth, clientOptions);
  try {
    const qr = await first.nextQr(0, 120_000);
    try {
      await post('/sim/scan', { phone, qr });
    } catch (error) {
      // A keep-alive socket the server just closed fails before the request is sent: once more.
      if (!(error instanceof TypeError)) throw error;
      await sleep(100);
      // If the first attempt did reach the simulator, this one fails, and the 515 below decides.
      await post('/sim/scan', { phone, qr }).catch(() => undefined);
    }
    const code = await first.waitClosed(120_000);
    if (code !== 515) throw new Error(`expected 515 after pairing, got ${code}`);
  } catch (error) {
    first.end();
    throw error;
  }
  const client = new SimClient(wsUrl, auth, clientOptions);
  try {
    await client.waitOpen(120_000);
  } catch (error) {
    client.end();
    throw error;
  }
  sessions.push({ phone, client, auth });
}

async function link(
  phones: string[],
  concurrency: number,
): Promise<{ linked: number; failed: number; errors: string[] }> {
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  const before = sessions.length;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < phones.length) {
        const phone = phones[next++] as string;
        try {
          await linkOne(phone);
        } catch (error) {
          failed++;
          if (errors.length < 5) errors.push(`${phone}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  return { linked: sessions.length - before, failed, errors };
}

/**
 * Each sender session sends texts for `seconds` (or exactly `count` each when given), at most
 * `window` unresolved sends each. `to` is one contact for all, or one per sender (same order).
 * With `rate` (messages per second, all senders together), each sender spaces its sends evenly.
 * Texts are `<tag> <sender>-<n> t=<ms when sendMessage was called>` (unique nonces).
 */
async function send(
  to: string | string[],
  seconds: number,
  senders: number,
  window: number,
  count = 0,
  tag = 'bench',
  rate = 0,
): Promise<{ sent: number; failed: number; uniqueIds: number; seconds: number; errors: string[] }> {
  const active = sessions.filter((s) => s.client.state === 'open').slice(0, senders);
  const intervalMs = rate > 0 ? (1000 * active.length) / rate : 0;
  const deadline = count > 0 ? Number.POSITIVE_INFINITY : Date.now() + seconds * 1000;
  const started = Date.now();
  let sent = 0;
  let failed = 0;
  const errors: string[] = [];
  const ids = new Set<string>();
  await Promise.all(
    active.map(async (s, index) => {
      const jid = `${Array.isArray(to) ? to[index % to.length] : to}@s.whatsapp.net`;
      const inFlight = new Set<Promise<unknown>>();
      let mine = 0;
      while (Date.now() < deadline && (count === 0 || mine < count)) {
        if (intervalMs > 0) {
          const due = started + (mine + index / active.length) * intervalMs;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        }
        mine++;
        const p = s.client.sock
          .sendMessage(jid, { text: `${tag} ${s.phone}-${mine} t=${Date.now()}` })
          .then(
            (m) => {
              sent++;
              if (m?.key.id) ids.add(m.key.id);
            },
            (error: unknown) => {
              failed++;
              if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
            },
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= window) await Promise.race(inFlight);
        // Let the socket read (receipts, acks): a tight send loop starves it (see wa-sim-poc NOTES).
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(inFlight);
    }),
  );
  return { sent, failed, uniqueIds: ids.size, seconds: (Date.now() - started) / 1000, errors };
}

function status() {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    sessions: sessions.length,
    open: sessions.filter((s) => s.client.state === 'open').length,
    connecting: sessions.filter((s) => s.client.state === 'connecting').length,
    closeCodes: Object.fromEntries(closes),
    reconnects,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

type Command =
  | { id: number; cmd: 'link'; phones: string[]; concurrency: number }
  | {
      id: number;
      cmd: 'send';
      rate?: number;
      to: string | string[];
      seconds: number;
      senders: number;
      window: number;
      count?: number;
      tag?: string;
    }
  | { id: number; cmd: 'status' }
  | { id: number; cmd: 'end' };

process.on('message', (raw) => {
  const msg = raw as Command;
  void (async () => {
    try {
      let result: unknown;
      if (msg.cmd === 'link') result = await link(msg.phones, msg.concurrency);
      else if (msg.cmd === 'send')
        result = await send(msg.to, msg.seconds, msg.senders, msg.window, msg.count, msg.tag, msg.rate);
      else if (msg.cmd === 'status') result = status();
      else if (msg.cmd === 'end') {
        ending = true;
        for (const s of sessions) s.client.end();
        process.send?.({ id: msg.id, ok: true });
        await sleep(200);
        process.exit(0);
      }
      process.send?.({ id: msg.id, ok: true, ...(result as object) });
    } catch (error) {
      process.send?.({ id: msg.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
