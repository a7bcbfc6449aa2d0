import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-TurboZap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
 * Signing the timestamp with the body lets a receiver refuse replays of old requests.
 */
export function signatureHeader(secret: string, body: Buffer | string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

function hmacHex(secret: string, timestampSec: number | string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
}

/**
 * What a receiver runs (docs/WEBHOOKS.md): true when one `v1` of the header matches the raw
 * body and the timestamp is within `toleranceSec` of now.
 */
export function verifySignature(
  secret: string,
  rawBody: Buffer | string,
  header: string | undefined,
  options: { toleranceSec?: number; nowSec?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const candidates = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!t || !/^\d+$/.test(t) || candidates.length === 0) return false;
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(t)) > (options.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  return candidates.some((v) => {
    const given = Buffer.from(v, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
