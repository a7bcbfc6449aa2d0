import { timingSafeEqual } from 'node:crypto';
import { signatureHeader } from '../webhooks/signer.ts';

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
  const v1 = signatureHeader(secret, rawBody, Number(t)).split('v1=')[1] ?? '';
  const expected = Buffer.from(v1, 'hex');
  return candidates.some((v) => {
    const given = Buffer.from(v, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
