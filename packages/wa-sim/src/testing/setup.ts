// Test fixture: a simulator on a random loopback port, trusted by this process's Baileys.
import type { SimOptions } from '../options.ts';
import { type SimHandle, WaSimulator } from '../simulator.ts';
import type { ClientOptions, SimClient } from './client.ts';
import { installFastCurve } from './fast-curve.ts';
import { type LinkedClient, linkWithQr } from './link.ts';
import { quietLibsignal } from './quiet-libsignal.ts';
import { trustSimulatorRoot } from './trust.ts';
import { unrefLongTimers } from './unref-timers.ts';

export interface TestSim {
  sim: WaSimulator;
  handle: SimHandle;
  /** Log lines the simulator wrote (debug included). Set WA_SIM_LOG=1 to also print them. */
  logs: string[];
  /** Registers a client to end in teardown. */
  track(client: SimClient): SimClient;
  /** Links a fresh Baileys client to `phone` by QR (`linkWithQr`), tracked. */
  link(phone: string, opts?: ClientOptions): Promise<LinkedClient>;
  /** Stanzas the server keeps for the first linked device of `phone` until it acknowledges them. */
  pendingOf(phone: string): number;
  teardown(): Promise<void>;
}

export async function startTestSim(options: SimOptions = {}): Promise<TestSim> {
  installFastCurve();
  unrefLongTimers();
  quietLibsignal();
  const logs: string[] = [];
  const sim = new WaSimulator({
    log: (line) => {
      logs.push(line);
      if (process.env.WA_SIM_LOG) process.stdout.write(`${line}\n`);
    },
    verbose: true,
    ...options,
  });
  const handle = await sim.start({ host: '127.0.0.1', port: 0 });
  const restore = trustSimulatorRoot(handle.rootPublicKey);
  const clients: SimClient[] = [];
  const track = (client: SimClient) => {
    clients.push(client);
    return client;
  };
  return {
    sim,
    handle,
    logs,
    track,
    link: async (phone, opts) => {
      const linked = await linkWithQr(sim, handle.wsUrl, phone, opts);
      track(linked.client);
      return linked;
    },
    pendingOf: (phone) => sim.account(phone).devices[0]!.pending,
    teardown: async () => {
      for (const c of clients) c.end();
      await handle.stop();
      restore();
      if (process.env.WA_SIM_HANDLES) {
        await new Promise((r) => setTimeout(r, 300));
        const handles = (
          process as unknown as {
            _getActiveHandles(): {
              hasRef?(): boolean;
              constructor: { name: string };
              _idleTimeout?: number;
              _onTimeout?: () => void;
              remoteAddress?: string;
              remotePort?: number;
              localPort?: number;
            }[];
          }
        )._getActiveHandles();
        for (const h of handles) {
          if (h.hasRef && !h.hasRef()) continue;
          process.stdout.write(
            `[handle] ${h.constructor.name} ${h._idleTimeout ?? ''} ${String(h._onTimeout ?? '')
              .slice(0, 120)
              .replace(/\s+/g, ' ')} ${h.remoteAddress ?? ''}:${h.remotePort ?? ''} local ${h.localPort ?? ''}\n`,
          );
        }
      }
    },
  };
}
