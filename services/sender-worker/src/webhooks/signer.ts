import { createHmac } from 'node:crypto';

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
