import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress, normalizeIp } from './ip.ts';

/** Resolves every address of a host name (dns.lookup with `all: true`). */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const resolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export interface TargetPolicy {
  /** ALLOW_PRIVATE_NETWORK_TARGETS: private and loopback addresses are allowed. */
  allowPrivate: boolean;
  /** DNS resolution (tests inject one; default dns.lookup). */
  resolve?: ResolveAll;
}

export type UnsafeTargetReason =
  | 'invalid_url'
  | 'unsupported_scheme'
  /** The host is, or resolves to, a private/loopback/link-local/reserved address. */
  | 'private_address'
  | 'unresolvable_host';

/** An outbound URL we refuse to fetch. `transient` is true only for a DNS failure that may pass. */
export class UnsafeTargetError extends Error {
  readonly code = 'EUNSAFETARGET';
  readonly reason: UnsafeTargetReason;
  readonly transient: boolean;

  constructor(reason: UnsafeTargetReason, message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UnsafeTargetError';
    this.reason = reason;
    this.transient = options.transient ?? false;
  }
}

export const isUnsafeTargetError = (err: unknown): err is UnsafeTargetError =>
  err instanceof UnsafeTargetError || (err as { code?: unknown } | null)?.code === 'EUNSAFETARGET';

const MAX_URL_LENGTH = 2048;
const transientDnsCodes = new Set(['EAI_AGAIN', 'ETIMEOUT', 'ECONNREFUSED', 'ESERVFAIL']);

function parseHttpUrl(raw: string | URL): URL {
  const text = String(raw);
  if (text.length > MAX_URL_LENGTH)
    throw new UnsafeTargetError('invalid_url', `URL longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeTargetError('invalid_url', 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UnsafeTargetError('unsupported_scheme', `scheme ${url.protocol} is not allowed (http or https only)`);
  if (!url.hostname) throw new UnsafeTargetError('invalid_url', 'URL has no host');
  return url;
}

function refusePrivate(host: string, addresses: string[]): void {
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined) {
    const via = bad === host ? '' : ` (resolves to ${bad})`;
    throw new UnsafeTargetError('private_address', `${host}${via} is a private or loopback address`);
  }
}

async function resolveHost(host: string, resolve: ResolveAll): Promise<string[]> {
  try {
    const addresses = await resolve(host);
    if (addresses.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((a) => a.address);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UnsafeTargetError('unresolvable_host', `cannot resolve ${host}: ${code || String(err)}`, {
      transient: transientDnsCodes.has(code),
      cause: err,
    });
  }
}

/**
 * Checks an outbound URL: http(s) only, and unless private targets are allowed, a host that
 * is (or resolves, right now, to) only public addresses. Returns the parsed URL; throws
 * UnsafeTargetError. Call it at the time of use, not only when the URL is stored: DNS changes.
 */
export async function checkOutboundUrl(raw: string | URL, policy: TargetPolicy): Promise<URL> {
  const url = parseHttpUrl(raw);
  if (policy.allowPrivate) return url;
  const host = normalizeIp(url.hostname);
  const addresses = isIP(host) ? [host] : await resolveHost(host, policy.resolve ?? resolveAll);
  refusePrivate(host, addresses);
  return url;
}

export type UrlValidation = { ok: true; url: string } | { ok: false; reason: UnsafeTargetReason; message: string };

/**
 * For the API (`POST /webhook/:instance/set`, whose dispatcher repeats the check on every
 * attempt): a verdict instead of an exception.
 */
export async function validateOutboundUrl(raw: string, policy: TargetPolicy): Promise<UrlValidation> {
  try {
    return { ok: true, url: (await checkOutboundUrl(raw, policy)).toString() };
  } catch (err) {
    if (isUnsafeTargetError(err)) return { ok: false, reason: err.reason, message: err.message };
    throw err;
  }
}

/**
 * A `lookup` for net/tls.connect that refuses private addresses, so the address actually
 * connected to is checked (no DNS-rebinding gap between a check and the connect).
 * IP-literal hosts skip lookup in Node: checkOutboundUrl covers those.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const opts = typeof options === 'object' && options !== null ? options : {};
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return done(err);
      if (!policy.allowPrivate) {
        try {
          refusePrivate(
            hostname,
            addresses.map((a) => a.address),
          );
        } catch (refused) {
          return done(refused as Error);
        }
      }
      if (opts.all) return done(null, addresses);
      const first = addresses[0];
      if (!first) return done(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      done(null, first.address, first.family);
    });
  };
}
