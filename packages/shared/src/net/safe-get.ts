import type { Agent } from 'undici';
import { request } from 'undici';
import { checkOutboundUrl, type TargetPolicy } from './guard.ts';

export interface SafeGetOptions extends TargetPolicy {
  agent: Agent;
  /** Bodies larger than this are refused; reading stops as soon as it is exceeded. */
  maxBytes: number;
  /** Whole request, headers and body included. */
  timeoutMs: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
}

export interface SafeGetResult {
  url: string;
  status: number;
  /** Lower-cased media type without parameters; '' when absent. */
  contentType: string;
  body: Buffer;
}

export type FetchFailure =
  /** The body is (or announces to be) larger than maxBytes. */
  | 'too_large'
  /** 4xx other than 408/429, a redirect loop or a malformed redirect: retrying will not help. */
  | 'http_client_error'
  /** 5xx, 408, 429, timeouts, resets: worth retrying. */
  | 'http_transient'
  | 'network';

export class FetchError extends Error {
  readonly failure: FetchFailure;
  readonly status: number | undefined;
  readonly transient: boolean;

  constructor(failure: FetchFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FetchError';
    this.failure = failure;
    this.status = options.status;
    this.transient = failure === 'http_transient' || failure === 'network';
  }
}

export const mediaTypeOf = (header: string | string[] | undefined): string =>
  (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim().toLowerCase() ?? '';

/** Reads at most maxBytes, then aborts: an oversized body is never buffered whole. */
async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number, destroy: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      destroy();
      throw new FetchError('too_large', `body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);
const transientStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * GET with the SSRF guard on every hop (redirects are followed by hand and re-checked), a
 * size cap enforced on the announced length and on the bytes actually read, and one overall
 * deadline. Throws UnsafeTargetError for a refused target and FetchError for the rest.
 */
export async function safeGet(raw: string, options: SafeGetOptions): Promise<SafeGetResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = await checkOutboundUrl(raw, options);
  for (let hop = 0; ; hop++) {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: options.agent,
        signal,
        headers: { 'user-agent': 'TurboZap-Media/1', accept: '*/*', ...options.headers },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    } catch (err) {
      throw toFetchError(err, url);
    }
    const { statusCode: status, headers, body } = res;
    if (isRedirect(status)) {
      await body.dump().catch(() => {});
      const location = headers.location;
      if (hop >= (options.maxRedirects ?? 3) || typeof location !== 'string')
        throw new FetchError('http_client_error', `redirect ${status} not followed`, { status });
      url = await checkOutboundUrl(new URL(location, url), options);
      continue;
    }
    if (status < 200 || status >= 300) {
      await body.dump().catch(() => {});
      const failure = transientStatus(status) ? 'http_transient' : 'http_client_error';
      throw new FetchError(failure, `GET answered ${status}`, { status });
    }
    const announced = Number(headers['content-length']);
    if (Number.isFinite(announced) && announced > options.maxBytes) {
      body.destroy();
      throw new FetchError('too_large', `content-length ${announced} exceeds ${options.maxBytes} bytes`, { status });
    }
    try {
      const bytes = await readCapped(body, options.maxBytes, () => body.destroy());
      return { url: url.toString(), status, contentType: mediaTypeOf(headers['content-type']), body: bytes };
    } catch (err) {
      throw toFetchError(err, url);
    }
  }
}

function toFetchError(err: unknown, url: URL): Error {
  if (err instanceof FetchError || (err as { code?: string }).code === 'EUNSAFETARGET') return err as Error;
  const code = (err as { code?: string }).code ?? (err as Error).name;
  return new FetchError('network', `GET ${url.host} failed: ${code}`, { cause: err });
}
