// Test fixture: a simulator on a random loopback port, trusted by this process's Baileys.
import type { SimOptions } from '../options.ts';
import { type SimHandle, WaSimulator } from '../simulator.ts';
import type { SimClient } from './client.ts';
import { installFastCurve } from './fast-curve.ts';
import { trustSimulatorRoot } from './trust.ts';
import { unrefLongTimers } from './unref-timers.ts';

export interface TestSim {
  sim: WaSimulator;
  handle: SimHandle;
  /** Log lines the simulator wrote (debug included). */
  logs: string[];
  /** Clients to end in teardown. */
  track(client: SimClient): SimClient;
  teardown(): Promise<void>;
}

export async function startTestSim(options: SimOptions = {}): Promise<TestSim> {
  installFastCurve();
  unrefLongTimers();
  const lines: string[] = [];
  const sim = new WaSimulator({
    log: process.env.WA_SIM_LOG ? (l) => console.log(l) : (l) => lines.push(l),
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
    },
  };
}
