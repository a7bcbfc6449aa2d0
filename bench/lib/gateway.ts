// A whole TurboZap deployment for the session benchmarks: api, sender-worker and P
// session-worker processes (each its own lease holder) against the simulator; linking many
// instances robustly and sending tagged texts through the API.
import { setTimeout as sleep } from 'node:timers/promises';
import { type InboxWatch, watchInbox } from './inbox.ts';
import { inspectEnv } from './inspector.ts';
import { cpuMeter, memory } from './proc.ts';
import { fmt, log } from './report.ts';
import { provisionServices, type ServiceUrls, serviceDefaults, startS3 } from './services.ts';
import { type SimProcess, startSim } from './sim.ts';
import { api, createInstance, instanceStatuses, migrate, type RoleProcess, roleEnv, startRole } from './turbozap.ts';

/**
 * The lowest RSS seen over `seconds` (sampled every 250 ms): garbage not yet collected makes a
 * single sample jumpy, and the trough after a collection is the closest to what is really held.
 */
export async function lowestRss(pid: number, seconds: number): Promise<number> {
  let low = Number.POSITIVE_INFINITY;
  const until = Date.now() + Math.max(0.25, seconds) * 1000;
  while (Date.now() < until) {
    try {
      low = Math.min(low, memory(pid).rss);
    } catch {
      return Number.NaN; // the process is gone
    }
    await sleep(250);
  }
  return low;
}

export interface SessionWorker extends RoleProcess {
  /** The inspector port (when started with one), for forceGc(). */
  inspectPort?: number;
}

export interface Gateway {
  services: ServiceUrls;
  sim: SimProcess;
  api: RoleProcess;
  sender: RoleProcess;
  sessionWorkers: SessionWorker[];
  env: Record<string, string>;
}

export interface GatewayOptions {
  tag: string;
  redisDb?: number;
  sessionWorkers: number;
  /** SESSION_WORKER_CAPACITY of each session-worker. */
  capacity: number;
  /** DATABASE_POOL_SIZE of each session-worker (default: the role's own default). */
  sessionPoolSize?: number;
  /** Start the session-workers with an inspector port (for forced garbage collections). */
  inspect?: boolean;
  /** More environment for the session-workers only (e.g. MALLOC_ARENA_MAX for a comparison). */
  sessionEnv?: Record<string, string>;
}

/** Own database, vhost, Redis prefix, s3rver, simulator, api, sender-worker, P session-workers. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const services = await provisionServices(options.tag, {
    ...serviceDefaults,
    redisDb: options.redisDb ?? serviceDefaults.redisDb,
  });
  const s3 = await startS3();
  await migrate(services);
  const sim = await startSim();
  const env = roleEnv(services, {
    ...s3.env,
    SESSION_ENCRYPTION_KEY: 'cd'.repeat(32),
    WHATSAPP_SIMULATOR_URL: sim.url,
    REDIS_RATE_LIMIT_RPM: '0',
    SEND_RATE_PER_MINUTE: '0',
    SESSION_WORKER_CAPACITY: String(options.capacity),
  });
  const apiRole = await startRole('api', 'api', env);
  const sender = await startRole('sender-worker', 'sender-worker', env);
  const sessionWorkers = await Promise.all(
    Array.from({ length: options.sessionWorkers }, async (_, i) => {
      const inspect = options.inspect ? await inspectEnv() : undefined;
      const role = await startRole(`session-worker-${i + 1}`, 'session-worker', {
        ...env,
        ...(options.sessionPoolSize ? { DATABASE_POOL_SIZE: String(options.sessionPoolSize) } : {}),
        ...(options.sessionEnv ?? {}),
        ...(inspect?.env ?? {}),
      });
      return { ...role, ...(inspect ? { inspectPort: inspect.port } : {}) } as SessionWorker;
    }),
  );
  return { services, sim, api: apiRole, sender, sessionWorkers, env };
}

export interface Linked {
  name: string;
  key: string;
  phone: string;
}

/**
 * Creates an instance, asks it to connect, and scans its QR with the simulated phone until it
 * is `connected`: a QR that expired or was replaced before the scan (410/404 at the simulator)
 * is fetched again and rescanned, so a slow, loaded machine does not fail a link.
 */
export async function linkRobust(base: string, simUrl: string, name: string, phone: string, timeoutMs = 300_000) {
  const created = await createInstance(base, name);
  const connect = await api(base, 'POST', `/api/instance/${name}/connect`);
  if (connect.status >= 300) throw new Error(`connect ${name}: ${connect.status} ${JSON.stringify(connect.body)}`);
  const deadline = Date.now() + timeoutMs;
  let scanned = '';
  let last = '';
  while (Date.now() < deadline) {
    const res = await api<{ data?: { status?: string } }>(base, 'GET', `/api/instance/${name}/status`).catch(
      (error: unknown) => ({ status: 0, body: { data: { status: String(error) } } }),
    );
    const status = res.body.data?.status;
    if (status === 'connected') return { name, key: created.key, phone } satisfies Linked;
    if (status === 'qr_code') {
      const qr = (
        await api<{ data?: { qrcode?: string | null } }>(base, 'GET', `/api/instance/${name}/qrcode`).catch(() => ({
          status: 0,
          body: { data: { qrcode: null } },
        }))
      ).body.data?.qrcode;
      if (qr && qr !== scanned) {
        const scan = await fetch(`${simUrl}/sim/scan`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phone, qr }),
          signal: AbortSignal.timeout(60_000),
        }).catch((error: unknown) => ({ ok: false, status: 0, text: async () => String(error) }));
        if (scan.ok) scanned = qr;
        else last = `scan ${scan.status} ${(await scan.text()).slice(0, 200)}`;
        if (scan.status === 400) throw new Error(`scan ${name}: ${last}`);
      }
    } else last = `status ${status}`;
    await sleep(scanned ? 250 : 400);
  }
  throw new Error(`${name} not connected after ${timeoutMs} ms (${last})`);
}

/**
 * Links the named instances, `concurrency` at a time. `stop()` is asked before each new link
 * (linking ends early when it answers true); `onProgress` sees the lists as they grow.
 */
export async function linkMany(
  base: string,
  simUrl: string,
  names: { name: string; phone: string }[],
  concurrency: number,
  options: {
    onProgress?: (linked: Linked[], failed: { name: string; error: string }[]) => void;
    stop?: () => boolean;
  } = {},
): Promise<{ linked: Linked[]; failed: { name: string; error: string }[] }> {
  const linked: Linked[] = [];
  const failed: { name: string; error: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < names.length && !options.stop?.()) {
        const item = names[next++] as { name: string; phone: string };
        try {
          linked.push(await linkRobust(base, simUrl, item.name, item.phone));
        } catch (error) {
          failed.push({ name: item.name, error: error instanceof Error ? error.message : String(error) });
        }
        options.onProgress?.(linked, failed);
      }
    }),
  );
  return { linked, failed };
}

/** How many of `names` GET /api/instance/list reports `connected`. */
export async function countConnected(base: string, names: string[]): Promise<number> {
  const statuses = await instanceStatuses(base);
  return names.filter((n) => statuses.get(n) === 'connected').length;
}

/** A session-worker's `turbozap_leases_held` gauge (from its /metrics). */
export async function leasesHeld(worker: RoleProcess): Promise<number> {
  const text = await (await fetch(`${worker.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const m = /^turbozap_leases_held(?:\{[^}]*\})?\s+(\S+)/m.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** Stops every session-worker, starts as many new ones, and times the way back to all connected. */
export async function fullRestart(
  gw: Gateway,
  names: string[],
  options: { poolSize: number; timeoutS: number },
): Promise<Record<string, number>> {
  log(`  full restart: stopping ${gw.sessionWorkers.length} session-workers holding ${names.length} instances`);
  const simBefore = await gw.sim.stats();
  const stopAt = Date.now();
  await Promise.all(gw.sessionWorkers.map((w) => w.child.stop('SIGTERM', 60_000)));
  const stopSeconds = (Date.now() - stopAt) / 1000;
  const spawnAt = Date.now();
  const fresh = await Promise.all(
    gw.sessionWorkers.map((_, i) =>
      startRole(`session-worker-${i + 1}-restarted`, 'session-worker', {
        ...gw.env,
        DATABASE_POOL_SIZE: String(options.poolSize),
      }),
    ),
  );
  const readySeconds = (Date.now() - spawnAt) / 1000;
  const cpu = fresh.map((w) => cpuMeter(w.child.pid));
  const deadline = spawnAt + options.timeoutS * 1000;
  let connected = 0;
  let logins = 0;
  let lastLog = 0;
  while (Date.now() < deadline) {
    connected = await countConnected(gw.api.url, names).catch(() => connected);
    logins = (await gw.sim.stats()).logins - simBefore.logins;
    // A just-stopped worker may have left `connected` behind: done only once each logged in again.
    if (connected === names.length && logins >= names.length) break;
    if (fresh.some((w) => w.child.exited())) break;
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`    ${fmt.dec((Date.now() - spawnAt) / 1000, 0)} s: ${connected} connected, ${logins} logins`);
    }
    await sleep(1_000);
  }
  const allConnectedSeconds = (Date.now() - spawnAt) / 1000;
  const simAfter = await gw.sim.stats();
  const leases = await Promise.all(fresh.map((w) => leasesHeld(w).catch(() => Number.NaN)));
  const result = {
    instances: names.length,
    connected,
    logins,
    conflicts: simAfter.conflicts - simBefore.conflicts,
    stopSeconds,
    readySeconds,
    allConnectedSeconds,
    cpuSeconds: cpu.reduce((a, c, i) => a + (fresh[i]?.child.exited() ? 0 : c.stop()), 0),
    leasesMin: Math.min(...leases),
    leasesMax: Math.max(...leases),
    exited: fresh.filter((w) => w.child.exited()).length,
  };
  log(
    `    ${connected}/${names.length} connected, ${logins} logins, ${fmt.dec(allConnectedSeconds, 1)} s after the new workers were spawned`,
  );
  if (connected < names.length || logins < names.length)
    throw new Error(`restart: ${connected}/${names.length} connected and ${logins} logins after ${options.timeoutS} s`);
  return result;
}

export interface SendPlan {
  /** Instance sending message k. */
  from: Linked;
  /** Contact receiving it. */
  to: string;
}

/**
 * Submits `plan` through `POST /api/message/:instance/text` (`concurrency` requests in flight)
 * with texts `<tag> <nonce> t=<ms>`, and watches each contact's inbox (polled every `pollMs`)
 * until every nonce arrived or `timeoutMs` passed. Returns what was submitted, rejected, and seen.
 */
export async function sendAndWatch(
  sim: SimProcess,
  base: string,
  plan: SendPlan[],
  tag: string,
  options: { concurrency: number; pollMs: number; timeoutMs: number; onProgress?: (submitted: number) => void },
): Promise<{
  submitted: number;
  rejected: number;
  delivered: number;
  duplicates: number;
  submitSeconds: number;
  deliverSeconds: number;
  errors: string[];
  /** Instances with at least one message not delivered. */
  missingFrom: string[];
}> {
  const perContact = new Map<string, number>();
  for (const p of plan) perContact.set(p.to, (perContact.get(p.to) ?? 0) + 1);
  const watches = new Map<string, InboxWatch>(
    [...perContact.keys()].map((c) => [c, watchInbox(sim, c, tag, options.pollMs)]),
  );
  const started = Date.now();
  let next = 0;
  let rejected = 0;
  let submitted = 0;
  const errors: string[] = [];
  const nonceOf = (k: number) => `${(plan[k] as SendPlan).from.name}-${k}`;
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency) }, async () => {
      while (next < plan.length) {
        const k = next++;
        const p = plan[k] as SendPlan;
        try {
          const res = await api(
            base,
            'POST',
            `/api/message/${p.from.name}/text`,
            { to: p.to, text: `${tag} ${nonceOf(k)} t=${Date.now()}` },
            p.from.key,
          );
          if (res.status === 202) submitted++;
          else {
            rejected++;
            if (errors.length < 5) errors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        } catch (error) {
          rejected++;
          if (errors.length < 5) errors.push(String(error));
        }
        if ((submitted + rejected) % 1000 === 0) options.onProgress?.(submitted + rejected);
      }
    }),
  );
  const submitSeconds = (Date.now() - started) / 1000;
  const deadline = started + options.timeoutMs;
  const counts = await Promise.all(
    [...watches].map(async ([contact, w]) => {
      // Polled one contact at a time per interval: the inboxes may be long.
      return w.waitFor(perContact.get(contact) ?? 0, Math.max(0, deadline - Date.now()));
    }),
  );
  const delivered = counts.reduce((a, b) => a + b, 0);
  const last = Math.max(started, ...[...watches.values()].flatMap((w) => [...w.seen.values()]));
  const seen = new Set([...watches.values()].flatMap((w) => [...w.seen.keys()]));
  const missingFrom = [...new Set(plan.flatMap((p, k) => (seen.has(nonceOf(k)) ? [] : [p.from.name])))];
  return {
    submitted,
    rejected,
    delivered,
    duplicates: [...watches.values()].reduce((a, w) => a + w.duplicates, 0),
    submitSeconds,
    deliverSeconds: (last - started) / 1000,
    errors,
    missingFrom,
  };
}

/** Registers the simulated contacts (accounts on the simulator) that messages are sent to. */
export async function createContacts(sim: SimProcess, phones: string[]): Promise<void> {
  for (const phone of phones) await sim.post('/sim/accounts', { phone, pushName: `Contact ${phone}` });
}
