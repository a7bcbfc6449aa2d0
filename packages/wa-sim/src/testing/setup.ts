// Test fixture: a simulator on a random loopback port, trusted by this process's Baileys.
import type { SimOptions } from '../options.ts';
import { type SimHandle, WaSimulator } from '../simulator.ts';
import type { SimClient } from './client.ts';
import { installFastCurve } from './fast-curve.ts';
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
  return {
    sim,
    handle,
    logs,
    track: (client) => {
      clients.push(client);
      return client;
    },
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
