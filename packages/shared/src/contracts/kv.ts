/**
 * Every coordination key and pub/sub channel the processes share, built here only. The
 * coordination adapter adds its prefix and kind (`turbozap:kv:qr:<id>`, `turbozap:lease:<id>`,
 * `turbozap:rate:read:<id>`), so these strings are what deployed data lives under: changing
 * one orphans the QR codes, leases and rate windows already stored.
 */

/** Values with a TTL (`setValue` / `getValue` / `deleteValue`). */
export const kvKeys = {
  /** session-worker writes, API reads: the QR code to scan. */
  qr: (instanceId: string) => `qr:${instanceId}`,
  /** session-worker writes, API reads: the pairing code to type on the phone. */
  pairingCode: (instanceId: string) => `pairing:${instanceId}`,
  /** API writes, the session-worker that takes the instance reads and deletes: pair by phone number. */
  pairingRequest: (instanceId: string) => `pairing-request:${instanceId}`,
  /** API only: what a one-time event-stream token grants. */
  streamToken: (token: string) => `stream-token:${token}`,
} as const;

/** Keys held with `acquireLease` / `renewLease` / `releaseLease` / `leaseHolder`. */
export const leaseKeys = {
  /** Who owns an instance: the session-worker holding it, asked by the API before an RPC. */
  instance: (instanceId: string) => instanceId,
  /** API only: a stream token is spent once, by whoever takes this first. */
  streamTokenUse: (token: string) => `stream-token-used:${token}`,
} as const;

/** Sliding windows of `rateLimit`, per instance (API only). */
export const rateKeys = {
  send: (instanceId: string) => instanceId,
  read: (instanceId: string) => `read:${instanceId}`,
} as const;

/** Counters (`addCounts` / `readCounts`). */
export const countKeys = {
  /** What the whole cluster did in one minute (epoch minutes): every process adds its share, /cluster reads. */
  minute: (epochMinute: number) => `minute:${epochMinute}`,
} as const;

/** The per-minute counts of `countKeys.minute`, each the sum of a counter every process keeps. */
export const minuteTallies = [
  'messages_accepted',
  'messages_sent',
  'messages_received',
  'messages_failed',
  'webhooks_delivered',
  'webhooks_failed',
] as const;
export type MinuteTally = (typeof minuteTallies)[number];

/** Pub/sub channels (`publish` / `subscribe`). */
export const channels = {
  /** Nudges to session-workers (contracts/control.ts `controlMessage`). */
  control: 'control',
  /**
   * "This instance's webhook changed" (set, enabled, disabled, deleted): sender-workers drop what
   * they cached of it, so even "no webhook" can be cached between events — the message is the
   * instance id. A lost one makes a change apply within the cache's TTL (1 s) instead of at once.
   */
  webhooks: 'webhooks',
  /** Requests to the session-worker that owns an instance (contracts/rpc.ts). */
  rpc: (instanceId: string) => `rpc:${instanceId}`,
  /** The reply to one request. */
  rpcReply: (requestId: string) => `rpc-reply:${requestId}`,
} as const;
