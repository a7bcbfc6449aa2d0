import { jitteredDelay } from '@turbozap/shared/util/backoff';

/** What to do after a socket closed (ARCHITECTURE §4, "Reconnect policy"). */
export type CloseDecision =
  /** 515 after pairing, or an explicit restart: open a new socket now. */
  | { action: 'reconnect'; delayMs: 0 }
  /** A transient drop: try again after a jittered, growing delay. */
  | { action: 'backoff'; delayMs: number }
  /** The phone unlinked this device: status logged_out, credentials deleted, no reconnect until `connect`. */
  | { action: 'logged_out' }
  /** Another socket took over this device (440): stop, release, re-check the lease; never loop. */
  | { action: 'conflict' }
  /** The QR was never scanned (refs ran out): disconnected until `connect`. */
  | { action: 'qr_expired' }
  /** WHATSAPP_AUTO_RECONNECT=false: a dropped instance stays disconnected until `connect`. */
  | { action: 'stay_disconnected' }
  /** Backed off up to the cap and still failing: status failed until `connect`. */
  | { action: 'failed' };

export interface ReconnectOptions {
  autoReconnect: boolean;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts before giving up with `failed`. */
  maxAttempts: number;
}

export const defaultReconnectOptions: Omit<ReconnectOptions, 'autoReconnect'> = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxAttempts: 12,
};

/** Baileys' DisconnectReason values, as numbers (its enum is not erasable-friendly to import as a type). */
export const closeCodes = {
  connectionClosed: 428,
  timedOut: 408,
  loggedOut: 401,
  forbidden: 403,
  badSession: 500,
  conflict: 440,
  restartRequired: 515,
  multideviceMismatch: 411,
  unavailable: 503,
} as const;

/** Codes after which the credentials are useless: the device is no longer linked. */
const unlinked = new Set<number>([closeCodes.loggedOut, closeCodes.forbidden, closeCodes.multideviceMismatch]);

/**
 * Decides from the close code, whether the device is registered (paired) yet, and how many
 * consecutive attempts already failed. `random` is injectable for tests.
 */
export function decideOnClose(
  code: number | undefined,
  context: { registered: boolean; attempt: number },
  options: ReconnectOptions,
  random: () => number = Math.random,
): CloseDecision {
  if (code === closeCodes.restartRequired) return { action: 'reconnect', delayMs: 0 };
  if (code !== undefined && unlinked.has(code)) return { action: 'logged_out' };
  if (code === closeCodes.conflict) return { action: 'conflict' };
  if (!context.registered && code === closeCodes.timedOut) return { action: 'qr_expired' };
  if (!options.autoReconnect) return { action: 'stay_disconnected' };
  if (context.attempt >= options.maxAttempts) return { action: 'failed' };
  const curve = { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs };
  return { action: 'backoff', delayMs: jitteredDelay(curve, context.attempt, random) };
}
