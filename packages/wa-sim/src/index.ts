// Public surface of @turbozap/wa-sim.
import type { LogSink } from './log.ts';
import type { SimOptions } from './options.ts';
import { type SimHandle, WaSimulator } from './simulator.ts';

export type { AccountInfo, InboxEntry, OutboxEntry, OutboxStatus } from './accounts/types.ts';
export type { SimEvents } from './context.ts';
export type { AccountDetails, DeviceInfo, GroupInfo, SimInfo } from './control-api/sim-control.ts';
export { SimError } from './errors.ts';
export type { FaultRequest, FaultType } from './faults.ts';
export type { GroupRole } from './groups/registry.ts';
export type { LogSink } from './log.ts';
export type { QrOptions, SimOptions } from './options.ts';
export type { LinkResult } from './pairing/link.ts';
export type { SendOptions } from './routing/phone-send.ts';
export type { SimHandle, StartOptions } from './simulator.ts';
export { WaSimulator } from './simulator.ts';
export type { SimStats } from './stats.ts';

export interface RunOptions extends Omit<SimOptions, 'log'> {
  host?: string;
  port?: number;
  /** Log sink (e.g. `console.log`); `true` logs to stdout, `false`/absent is silent. */
  log?: LogSink | boolean;
}

/** Starts a simulator (default 127.0.0.1:7780) and resolves to its handle. For `./turbozap sim`. */
export async function runSimulator({
  host = '127.0.0.1',
  port = 7780,
  log,
  ...rest
}: RunOptions = {}): Promise<SimHandle & { simulator: WaSimulator }> {
  const sink: LogSink | undefined = log === true ? (line) => process.stdout.write(`${line}\n`) : log || undefined;
  const simulator = new WaSimulator({ ...rest, log: sink });
  const handle = await simulator.start({ host, port });
  return { ...handle, simulator };
}
