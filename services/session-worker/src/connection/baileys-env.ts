import type { Config } from '@turbozap/shared/config/config';
import type { Logger } from '@turbozap/shared/logging/logger';
import { withDeadline } from '@turbozap/shared/util/timeout';
import {
  DEF_MEDIA_HOST,
  DEFAULT_CONNECTION_CONFIG,
  fetchLatestBaileysVersion,
  WA_CERT_DETAILS,
  type WAVersion,
} from '@whiskeysockets/baileys';
import { z } from 'zod';
import { type SimMediaRoute, simulatorMediaRoute } from './sim-media-route.ts';

/** Where and as which WhatsApp Web version sockets connect; resolved once per process. */
export interface BaileysEnvironment {
  version: WAVersion;
  /** Only set against the simulator; undefined means WhatsApp itself. */
  waWebSocketUrl: string | undefined;
  /** Only set against the simulator: its media hosts routed to its HTTP port. */
  mediaRoute?: SimMediaRoute | undefined;
}

const VERSION_FETCH_TIMEOUT_MS = 2_000;

const simInfo = z.object({
  wsUrl: z.string().min(1),
  rootPublicKey: z.union([z.string().min(1), z.array(z.number())]),
  /** Hosts its media_conn hands out (older simulators do not say: WhatsApp's default host). */
  mediaHosts: z.array(z.string().min(1)).optional(),
});

/** The simulator publishes its root key as base64 (or hex, or a byte array). */
export function decodeRootKey(value: string | number[]): Buffer {
  if (Array.isArray(value)) return Buffer.from(value);
  const key =
    /^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 && key.length !== 33)
    throw new Error(`simulator root key has ${key.length} bytes, expected 32`);
  return key;
}

/**
 * WHATSAPP_WEB_VERSION when set; against the simulator the pinned default; otherwise the latest
 * published version if it answers within 2 s, else the pinned default (offline installs must
 * not wait). With WHATSAPP_SIMULATOR_URL the process trusts the simulator's root key and sends
 * the simulator's media hosts to it — the one place that does either, and loudly.
 */
export async function resolveBaileysEnvironment(
  session: Pick<Config['session'], 'webVersion' | 'simulatorUrl'>,
  logger: Logger,
  fetchImpl: typeof fetch = fetch,
): Promise<BaileysEnvironment> {
  const pinned = DEFAULT_CONNECTION_CONFIG.version;
  if (session.simulatorUrl) {
    const response = await fetchImpl(new URL('/sim/info', session.simulatorUrl), {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`simulator at ${session.simulatorUrl} answered ${response.status} to /sim/info`);
    const info = simInfo.parse(await response.json());
    WA_CERT_DETAILS.PUBLIC_KEY = decodeRootKey(info.rootPublicKey) as typeof WA_CERT_DETAILS.PUBLIC_KEY;
    const mediaRoute = simulatorMediaRoute(session.simulatorUrl, [DEF_MEDIA_HOST, ...(info.mediaHosts ?? [])]);
    logger.warn(
      '!!! WHATSAPP_SIMULATOR_URL is set: connecting to a WhatsApp SIMULATOR, trusting its certificate root and sending media to it. Never set this in production. !!!',
      { simulator: session.simulatorUrl, wsUrl: info.wsUrl, mediaHosts: [...mediaRoute.hosts] },
    );
    return { version: session.webVersion ?? pinned, waWebSocketUrl: info.wsUrl, mediaRoute };
  }
  if (session.webVersion) return { version: session.webVersion, waWebSocketUrl: undefined };
  const latest = await withDeadline(fetchLatestBaileysVersion(), VERSION_FETCH_TIMEOUT_MS, undefined);
  const version = latest?.isLatest ? latest.version : pinned;
  logger.info('WhatsApp Web version', { version: version.join('.'), latest: Boolean(latest?.isLatest) });
  return { version, waWebSocketUrl: undefined };
}
