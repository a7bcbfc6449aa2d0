import { createSafeAgent } from './agent.ts';
import { isUnsafeTargetError, type ResolveAll, type UnsafeTargetReason } from './guard.ts';
import { FetchError, safeGet } from './safe-get.ts';

/**
 * Why media given by URL was not fetched: the reasons a message ends `failed` with (API.md), and
 * all a caller is told. Never the target's status, error text or errno — with those, any URL field
 * is a port scanner that reads its answers back.
 */
export type MediaFetchReason = 'invalid_target' | 'media_unreachable' | 'media_too_large';

const refusals: Record<Exclude<UnsafeTargetReason, 'unresolvable_host'>, string> = {
  invalid_url: 'not a valid http(s) URL',
  unsupported_scheme: 'only http and https URLs are fetched',
  private_address: 'the URL points to a private or loopback address',
};

export class MediaFetchError extends Error {
  readonly reason: MediaFetchReason;
  /** Worth trying again later (DNS hiccup, 5xx, timeout). Callers are not told which. */
  readonly transient: boolean;

  constructor(reason: MediaFetchReason, message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MediaFetchError';
    this.reason = reason;
    this.transient = options.transient ?? false;
  }
}

export interface FetchMediaOptions {
  /** ALLOW_PRIVATE_NETWORK_TARGETS. */
  allowPrivate: boolean;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  timeoutMs: number;
  resolve?: ResolveAll | undefined;
}

function toMediaFetchError(err: unknown, maxBytes: number): MediaFetchError {
  if (isUnsafeTargetError(err) && err.reason !== 'unresolvable_host')
    return new MediaFetchError('invalid_target', refusals[err.reason], { cause: err });
  if (err instanceof FetchError && err.failure === 'too_large')
    return new MediaFetchError('media_too_large', `the media is larger than ${maxBytes} bytes`, { cause: err });
  const transient = (err as { transient?: unknown } | null)?.transient !== false;
  return new MediaFetchError('media_unreachable', 'the media could not be fetched', { transient, cause: err });
}

/**
 * Fetches media a caller gave by URL — SSRF guard on every hop, MEDIA_MAX_BYTES cap — and
 * throws only MediaFetchError. Its agent lives for this one fetch: such fetches are rare (a
 * profile picture), so a keep-alive pool would only need an owner to close it.
 */
export async function fetchMediaUrl(
  url: string,
  options: FetchMediaOptions,
): Promise<{ bytes: Buffer; contentType: string }> {
  const { allowPrivate, maxBytes, timeoutMs, resolve } = options;
  const agent = createSafeAgent({ allowPrivate, connectionsPerOrigin: 1, connectTimeoutMs: timeoutMs });
  try {
    const result = await safeGet(url, { agent, allowPrivate, maxBytes, timeoutMs, ...(resolve ? { resolve } : {}) });
    return { bytes: result.body, contentType: result.contentType };
  } catch (err) {
    throw toMediaFetchError(err, maxBytes);
  } finally {
    await agent.destroy().catch(() => {});
  }
}
