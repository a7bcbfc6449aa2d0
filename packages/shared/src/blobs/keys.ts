/** Key rules shared by every BlobStore adapter, so S3 and the filesystem accept the same keys. */

export class InvalidBlobKeyError extends Error {
  constructor(key: unknown, reason: string) {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidBlobKeyError';
  }
}

export class BlobTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`blob exceeds the ${limitBytes} byte limit`);
    this.name = 'BlobTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * A key is `/`-separated segments: non-empty, not `.` or `..`, no control characters, at most
 * 1024 UTF-8 bytes, no leading or trailing `/`. Anything else (spaces, unicode, `?#%+&=~`...) is fine.
 */
export function assertBlobKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(key, 'empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new InvalidBlobKeyError(key, `over ${MAX_KEY_BYTES} bytes`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidBlobKeyError(key, 'control character');
  if (!key.isWellFormed()) throw new InvalidBlobKeyError(key, 'lone surrogate');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'empty path segment (leading, trailing or double /)');
    if (segment === '.' || segment === '..') throw new InvalidBlobKeyError(key, `"${segment}" path segment`);
  }
  return key;
}

/**
 * A prefix for `deletePrefix`: one or more whole key segments followed by `/` (`media/<id>/`), so
 * it never matches a sibling that merely starts with the same characters (`media/<id>0/…`).
 */
export function assertBlobPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.endsWith('/'))
    throw new InvalidBlobKeyError(prefix, 'a prefix ends with /');
  assertBlobKey(prefix.slice(0, -1));
  return prefix;
}

/** Where every media blob of an instance lives (outbound and inbound): deleting the instance deletes this prefix. */
export const instanceMediaPrefix = (instanceId: string): string => `media/${instanceId}/`;

/** Presigned URL lifetimes: whole seconds, 1 s to 7 days (the S3 maximum), for every adapter. */
export function assertExpiresIn(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to 604800 (got ${String(seconds)})`);
  }
  return seconds;
}
