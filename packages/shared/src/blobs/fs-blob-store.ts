import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  access,
  constants,
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, assertBlobPrefix, assertExpiresIn } from './keys.ts';
import type { BlobMeta, BlobStore, StoredBlob } from './port.ts';

export interface FsBlobStoreOptions {
  /** Directory holding the blobs (created if missing). */
  root: string;
  /** Where the API serving `/media/*` is reachable, e.g. `https://api.example.com` (no trailing slash needed). */
  publicBaseUrl: string;
  /** HMAC-SHA256 key for presigned URLs, at least 16 bytes; the API verifies with the same one. */
  secret: string | Buffer;
  /** Clock in epoch ms (default `Date.now`). */
  now?: () => number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Encoded path segments longer than this are shortened and suffixed with a hash (file names max out at 255 bytes). */
const MAX_SEGMENT = 160;

/**
 * One key segment as a file or directory name: every byte outside `[A-Za-z0-9._-]` is
 * percent-encoded, so `~` never appears in it; `~` then marks our own suffixes
 * (`~blob`, `~meta.json`, `~tmp-*`, `~h<sha256>`), which can never collide with a
 * directory made from another key.
 */
function segmentName(segment: string): string {
  const encoded = encodeURIComponent(segment).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  if (encoded.length <= MAX_SEGMENT) return encoded;
  return `${encoded.slice(0, 64)}~h${createHash('sha256').update(segment).digest('hex')}`;
}

function sign(key: string, expires: number, secret: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`GET\n${key}\n${expires}`).digest();
}

/** `/media/<key>` with every segment URL-encoded (what `presignedGetUrl` puts after the base URL). */
export function mediaPath(key: string): string {
  return `/media/${assertBlobKey(key).split('/').map(encodeURIComponent).join('/')}`;
}

/** The blob key of a `/media/...` request path (already without the query), or null when it is not one. */
export function keyFromMediaPath(pathname: string): string | null {
  if (!pathname.startsWith('/media/')) return null;
  try {
    return assertBlobKey(pathname.slice('/media/'.length).split('/').map(decodeURIComponent).join('/'));
  } catch {
    return null; // malformed escapes or an invalid key
  }
}

/**
 * Checks a presigned `/media/*` URL: the HMAC-SHA256 of the (decoded) key and `expires`
 * (epoch seconds) under `secret`, compared in constant time, and `now` (epoch ms) not past
 * `expires`. Malformed input is simply invalid.
 */
export function verifyPresigned(
  key: string,
  expires: string | number,
  signature: string,
  secret: string | Buffer,
  now: number = Date.now(),
): boolean {
  const seconds = typeof expires === 'number' ? expires : /^\d{1,15}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || now > seconds * 1000) return false;
  if (typeof signature !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
  try {
    assertBlobKey(key);
  } catch {
    return false;
  }
  const expected = sign(key, seconds, secret);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Blobs as files under `root`, for embedded mode. Key `a/b c/d.jpg` lives at
 * `root/a/b%20c/d.jpg~blob`, its content type in the sidecar `d.jpg~meta.json`. Keys are
 * validated (no `..`, no absolute paths) and every segment encoded, so nothing escapes `root`.
 * Writes go to a temp file renamed into place: readers see the old or the new blob, never half.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  readonly #publicBaseUrl: string;
  readonly #secret: string | Buffer;
  readonly #now: () => number;

  static async open(options: FsBlobStoreOptions): Promise<FsBlobStore> {
    const store = new FsBlobStore(options);
    await mkdir(store.root, { recursive: true });
    return store;
  }

  constructor(options: FsBlobStoreOptions) {
    if (Buffer.byteLength(options.secret) < 16) throw new RangeError('FsBlobStore secret must be at least 16 bytes');
    this.root = resolve(options.root);
    this.#publicBaseUrl = new URL(options.publicBaseUrl).href.replace(/\/+$/, '');
    this.#secret = options.secret;
    this.#now = options.now ?? Date.now;
  }

  #paths(key: string): { dir: string; data: string; meta: string } {
    const names = assertBlobKey(key).split('/').map(segmentName);
    const file = names.pop() as string;
    const dir = join(this.root, ...names);
    // Belt and braces: the encoding above cannot produce `..`, but never trust a path blindly.
    if (dir !== this.root && !dir.startsWith(this.root + sep)) throw new Error(`blob path escapes the root: ${key}`);
    return { dir, data: join(dir, `${file}~blob`), meta: join(dir, `${file}~meta.json`) };
  }

  async put(key: string, body: Readable | Buffer, meta: { contentType: string }): Promise<BlobMeta> {
    const { dir, data, meta: metaFile } = this.#paths(key);
    const contentType = meta.contentType || DEFAULT_CONTENT_TYPE;
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `~tmp-${randomUUID()}`);
    const metaTmp = `${tmp}.meta`;
    try {
      if (Buffer.isBuffer(body)) await writeFile(tmp, body);
      else await pipeline(body, createWriteStream(tmp));
      const { size } = await stat(tmp);
      await writeFile(metaTmp, JSON.stringify({ key, contentType }));
      await rename(metaTmp, metaFile);
      await rename(tmp, data);
      return { contentType, size };
    } catch (error) {
      await Promise.all([rm(tmp, { force: true }), rm(metaTmp, { force: true })]);
      throw error;
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const { data, meta } = this.#paths(key);
    let handle: FileHandle;
    try {
      handle = await open(data, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      // Size from the open file: consistent with the bytes this stream will read, even if a put replaces it.
      const { size } = await handle.stat();
      let contentType = DEFAULT_CONTENT_TYPE;
      try {
        contentType = JSON.parse(await readFile(meta, 'utf8')).contentType || DEFAULT_CONTENT_TYPE;
      } catch (error) {
        if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
      }
      return { contentType, size, body: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const { data, meta } = this.#paths(key);
    await rm(data, { force: true });
    await rm(meta, { force: true });
  }

  /** A prefix is whole segments, so it is one directory: removed with everything under it. */
  async deletePrefix(prefix: string): Promise<void> {
    const dir = join(this.root, ...assertBlobPrefix(prefix).slice(0, -1).split('/').map(segmentName));
    if (!dir.startsWith(this.root + sep)) throw new Error(`blob path escapes the root: ${prefix}`);
    // A put racing the removal can make a directory non-empty again (ENOTEMPTY): retried.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** `${publicBaseUrl}/media/<key>?expires=<epoch s>&signature=<base64url HMAC>`; check with `verifyPresigned`. */
  async presignedGetUrl(key: string, expiresInSeconds: number): Promise<string> {
    const path = mediaPath(key);
    const expires = Math.floor(this.#now() / 1000) + assertExpiresIn(expiresInSeconds);
    const signature = sign(key, expires, this.#secret).toString('base64url');
    return `${this.#publicBaseUrl}${path}?expires=${expires}&signature=${signature}`;
  }

  /** Whether the key's signature in a presigned URL of this store is valid now. */
  verify(key: string, expires: string | number, signature: string): boolean {
    return verifyPresigned(key, expires, signature, this.#secret, this.#now());
  }

  async healthy(): Promise<boolean> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {}
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
