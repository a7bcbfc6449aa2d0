// Test flows: link a fresh Baileys client by QR or pairing code and log it in.
import type { AuthenticationState } from '@whiskeysockets/baileys';
import type { LinkResult } from '../pairing/link.ts';
import type { WaSimulator } from '../simulator.ts';
import { memoryAuthState } from './auth.ts';
import { type ClientOptions, SimClient } from './client.ts';

export interface LinkedClient {
  client: SimClient;
  auth: AuthenticationState;
  link: LinkResult;
}

/** QR → scan by `phone` → 515 restart → login; resolves with the open client. */
export async function linkWithQr(
  sim: WaSimulator,
  wsUrl: string,
  phone: string,
  opts: ClientOptions = {},
): Promise<LinkedClient> {
  const auth = memoryAuthState();
  const first = new SimClient(wsUrl, auth, opts);
  const qr = await first.nextQr();
  const link = await sim.scanQr(phone, qr);
  const code = await first.waitClosed();
  if (code !== 515) throw new Error(`expected restart-required (515) after pairing, got ${code}`);
  const client = new SimClient(wsUrl, auth, opts);
  await client.waitOpen();
  return { client, auth, link };
}

/** Reconnects with stored credentials. */
export async function reconnect(
  wsUrl: string,
  auth: AuthenticationState,
  opts: ClientOptions = {},
): Promise<SimClient> {
  const client = new SimClient(wsUrl, auth, opts);
  await client.waitOpen();
  return client;
}
