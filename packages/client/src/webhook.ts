import type { webhooks } from './openapi.ts';

/** Every event TurboZap delivers (webhook body, SSE `data`), by its `event` name. */
export type TurboZapEvent = {
  [K in keyof webhooks]: webhooks[K]['post'] extends { requestBody: { content: { 'application/json': infer E } } }
    ? E
    : never;
}[keyof webhooks];

export type EventName = TurboZapEvent['event'];
export type EventOf<N extends EventName> = Extract<TurboZapEvent, { event: N }>;

const encoder = new TextEncoder();

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Whether a delivery is TurboZap's: `header` is `X-TurboZap-Signature`
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`), `rawBody` the body exactly
 * as received (before any JSON parsing). Refuses a timestamp further than `toleranceSeconds`
 * from now (a replayed old request). The comparison is WebCrypto's HMAC verify, which takes
 * the same time however much of a forged signature matches. Node 20+ and browsers.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds = 300,
  nowMs: number = Date.now(),
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => hexBytes(v ?? ''));
  if (!t || !/^\d{1,12}$/.test(t) || Math.abs(nowMs / 1000 - Number(t)) > toleranceSeconds) return false;
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${t}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  let valid = false;
  for (const signature of signatures) {
    if (signature && (await crypto.subtle.verify('HMAC', key, signature, signed))) valid = true;
  }
  return valid;
}
