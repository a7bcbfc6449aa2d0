import type { ClaimedDelivery } from '@turbozap/shared/db/repositories/webhook-deliveries';
import { isReservedHeader } from '@turbozap/shared/db/repositories/webhooks';
import { envelopeBody } from '@turbozap/shared/events/envelope';
import { checkOutboundUrl, isUnsafeTargetError, type TargetPolicy } from '@turbozap/shared/net';
import { type Agent, request } from 'undici';
import { type MediaAttachment, withMedia } from './media-attachment.ts';
import type { AttemptResult } from './retry-policy.ts';
import { parseRetryAfter } from './retry-policy.ts';
import { signatureHeader } from './signer.ts';

export interface PostOptions extends TargetPolicy {
  agent: Agent;
  timeoutMs: number;
  nowMs: number;
  /** Where received media is read from for webhooks with `include_media_base64`. */
  media?: MediaAttachment | undefined;
}

export interface PostResult extends AttemptResult {
  error: string | null;
  durationMs: number;
}

const SNIPPET_BYTES = 256;

/** The request headers: the webhook's own first, so ours always win. */
export function deliveryHeaders(claim: ClaimedDelivery, body: Buffer, timestampSec: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(claim.webhook_headers ?? {}))
    if (!isReservedHeader(name) && typeof value === 'string') headers[name.toLowerCase()] = value;
  return {
    ...headers,
    'content-type': 'application/json',
    'user-agent': 'TurboZap-Webhooks/1',
    'x-turbozap-signature': signatureHeader(claim.secret, body, timestampSec),
    'x-turbozap-event': claim.event,
    'x-turbozap-event-id': claim.event_id,
    'x-turbozap-delivery': claim.id,
  };
}

/** The start of a response body, for the delivery log (never the whole body). */
async function snippet(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= SNIPPET_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks)
    .subarray(0, SNIPPET_BYTES)
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim();
}

function describe(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT')
    return 'timeout';
  return e.code ?? e.name ?? String(err);
}

/**
 * One POST of a delivery: the target is checked again (DNS re-resolved, the connection itself
 * is guarded by the agent), the body signed, the whole attempt bounded by `timeoutMs`.
 * Never throws: every failure becomes a result the retry policy judges.
 */
export async function postDelivery(claim: ClaimedDelivery, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    await checkOutboundUrl(claim.url, options);
  } catch (err) {
    if (!isUnsafeTargetError(err)) throw err;
    return {
      statusCode: null,
      permanent: !err.transient,
      error: `target refused: ${err.message}`,
      durationMs: elapsed(),
    };
  }
  let payload: Record<string, unknown>;
  try {
    payload = await withMedia(claim, options.media);
  } catch (err) {
    return { statusCode: null, error: `media unavailable: ${describe(err)}`, durationMs: elapsed() };
  }
  const body = envelopeBody(payload);
  const headers = deliveryHeaders(claim, body, Math.floor(options.nowMs / 1000));
  try {
    const res = await request(claim.url, {
      method: 'POST',
      body,
      headers,
      dispatcher: options.agent,
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    let text = '';
    if (ok) await res.body.dump().catch(() => {});
    else text = await snippet(res.body).catch(() => '');
    return {
      statusCode: res.statusCode,
      error: ok ? null : `HTTP ${res.statusCode}${text ? `: ${text}` : ''}`,
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], options.nowMs),
      durationMs: elapsed(),
    };
  } catch (err) {
    if (isUnsafeTargetError(err))
      return { statusCode: null, permanent: true, error: `target refused: ${err.message}`, durationMs: elapsed() };
    return { statusCode: null, error: describe(err), durationMs: elapsed() };
  }
}
