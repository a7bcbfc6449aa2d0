import type { LogSink } from './log.ts';
import type { CurveKeyPair } from './noise/ca.ts';

export interface QrOptions {
  /** Pair-device refs sent per registration connection (Baileys shows one QR per ref). */
  refs?: number;
  /** Lifetime of the first ref (Baileys default rotation: 60 s). */
  firstRefMs?: number;
  /** Lifetime of each following ref (Baileys default rotation: 20 s). */
  nextRefMs?: number;
}

export interface SimOptions {
  /** Log sink; nothing is logged without one. */
  log?: LogSink;
  /** Also write debug lines. */
  verbose?: boolean;
  /** Log every stanza in both directions (implies verbose). */
  trace?: boolean;
  qr?: QrOptions;
  /** How long an unpaired connection may wait for a pairing code to be entered. Default 180 s. */
  linkCodeTtlMs?: number;
  /** A connection that sends nothing for this long gets `<stream:error code=408>`. Default 60 s; 0 disables. */
  silenceTimeoutMs?: number;
  /** Grace between a stream error and the server closing the socket. Default 150 ms. */
  closeGraceMs?: number;
  /** Delay before a simulated phone's delivery receipt. Default 20 ms. */
  receiptDelayMs?: number;
  /** Delay before an automatic read receipt (accounts with autoRead). Default 50 ms. */
  readReceiptDelayMs?: number;
  /** How long /sim/scan and /sim/pairing-code wait for the client to complete linking. Default 15 s. */
  linkTimeoutMs?: number;
  /** Fixed root key pair for the noise certificate chain (default: generated per simulator). */
  rootKeyPair?: CurveKeyPair;
  media?: MediaOptions;
}

export interface MediaOptions {
  /**
   * Hostname media_conn hands out and upload answers put in `url` (default `mmg.whatsapp.net`,
   * WhatsApp's own). Clients reach it over plain HTTP on the simulator's port by routing that
   * host there (see the README); nothing resolves it in DNS.
   */
  host?: string;
  /** Largest upload accepted. Default 64 MiB. */
  maxUploadBytes?: number;
  /** Total encrypted bytes kept in memory; the oldest files are dropped beyond it. Default 512 MiB. */
  maxStoredBytes?: number;
}

export interface ResolvedOptions {
  qr: Required<QrOptions>;
  linkCodeTtlMs: number;
  silenceTimeoutMs: number;
  closeGraceMs: number;
  receiptDelayMs: number;
  readReceiptDelayMs: number;
  linkTimeoutMs: number;
  media: Required<MediaOptions>;
}

export function resolveOptions(o: SimOptions): ResolvedOptions {
  return {
    qr: { refs: o.qr?.refs ?? 6, firstRefMs: o.qr?.firstRefMs ?? 60_000, nextRefMs: o.qr?.nextRefMs ?? 20_000 },
    linkCodeTtlMs: o.linkCodeTtlMs ?? 180_000,
    silenceTimeoutMs: o.silenceTimeoutMs ?? 60_000,
    closeGraceMs: o.closeGraceMs ?? 150,
    receiptDelayMs: o.receiptDelayMs ?? 20,
    readReceiptDelayMs: o.readReceiptDelayMs ?? 50,
    linkTimeoutMs: o.linkTimeoutMs ?? 15_000,
    media: {
      host: o.media?.host ?? 'mmg.whatsapp.net',
      maxUploadBytes: o.media?.maxUploadBytes ?? 64 * 1024 * 1024,
      maxStoredBytes: o.media?.maxStoredBytes ?? 512 * 1024 * 1024,
    },
  };
}
