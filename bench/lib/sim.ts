// The WhatsApp simulator as a child process (`./turbozap sim --port P`) and pools of raw Baileys
// client processes linked to it.
import { join } from 'node:path';
import { type Child, freePort, IpcPeer, startChild, waitForHttp, waitForOutput } from './children.ts';
import { repoRoot } from './deps.ts';
import { turbozapBin } from './turbozap.ts';

export interface SimProcess {
  child: Child;
  url: string;
  wsUrl: string;
  rootPublicKey: string;
  stats(): Promise<SimStats>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  get<T = unknown>(path: string): Promise<T>;
}

export interface SimStats {
  connections: number;
  conflicts: number;
  duplicatesSuppressed: number;
  messagesRelayed: number;
  connectionsTotal: number;
  logins: number;
  pairings: number;
}

export async function startSim(name = 'sim', env: Record<string, string> = {}): Promise<SimProcess> {
  const port = await freePort();
  const child = startChild(name, turbozapBin, ['sim', '--port', String(port)], { env });
  await waitForOutput(child, /simulator on/i, 60_000);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/sim/info`, 30_000);
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const info = await request<{ wsUrl: string; rootPublicKey: string }>('GET', '/sim/info');
  return {
    child,
    url,
    wsUrl: info.wsUrl,
    rootPublicKey: info.rootPublicKey,
    stats: () => request<SimStats>('GET', '/sim/stats'),
    post: (path, body) => request('POST', path, body),
    get: (path) => request('GET', path),
  };
}

export interface ClientStatus {
  sessions: number;
  open: number;
  connecting: number;
  /** Drops of open sessions by `code message`; each was reconnected from its credentials. */
  closeCodes: Record<string, number>;
  reconnects: number;
  rss: number;
  heapUsed: number;
  cpuSeconds: number;
}

/** A child process of raw Baileys sockets (bench/lib/sim-client-worker.ts). */
export class ClientProcess {
  readonly peer: IpcPeer;
  constructor(name: string, sim: SimProcess, heapMb = 4096) {
    const child = startChild(
      name,
      process.execPath,
      [`--max-old-space-size=${heapMb}`, join(repoRoot, 'bench/lib/sim-client-worker.ts')],
      { env: { SIM_URL: sim.url, SIM_WS_URL: sim.wsUrl, SIM_ROOT_KEY: sim.rootPublicKey }, ipc: true },
    );
    this.peer = new IpcPeer(child);
  }
  get pid(): number {
    return this.peer.child.pid;
  }
  link(phones: string[], concurrency: number) {
    return this.peer.call<{ linked: number; failed: number; errors: string[] }>('link', { phones, concurrency });
  }
  send(to: string | string[], seconds: number, senders: number, window: number, count = 0, tag = 'bench', rate = 0) {
    return this.peer.call<{ sent: number; failed: number; uniqueIds: number; seconds: number; errors: string[] }>(
      'send',
      {
        to,
        seconds,
        senders,
        window,
        count,
        tag,
        rate,
      },
    );
  }
  status() {
    return this.peer.call<ClientStatus>('status');
  }
  async end(): Promise<void> {
    await Promise.race([this.peer.call('end').catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
    await this.peer.child.stop('SIGTERM', 3_000);
  }
}

/** The n-th simulated phone number of a run (distinct per index). */
export const phoneOf = (i: number, prefix = '5511') => `${prefix}9${String(i).padStart(8, '0')}`;
