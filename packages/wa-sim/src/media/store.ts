// The simulator's media host storage: encrypted files as clients upload them, addressed by the
// direct path the upload answer hands out. In memory, bounded by total size (oldest evicted).
import { randomBytes } from 'node:crypto';

export interface StoredMedia {
  file: Buffer;
  /** Upload path kind (`image`, `audio`, ...), as in `/mms/<kind>/...`. */
  kind: string;
  storedAt: number;
}

export interface MediaStoreLimits {
  /** Largest accepted upload (also announced as `maxContentLengthBytes` in media_conn). */
  maxUploadBytes: number;
  /** Total bytes kept; the oldest files are dropped beyond it. */
  maxStoredBytes: number;
}

export class MediaStore {
  /** The token media_conn hands out; uploads must present it as `auth`. */
  readonly auth = randomBytes(24).toString('base64url');
  readonly limits: MediaStoreLimits;
  readonly #files = new Map<string, StoredMedia>();
  #storedBytes = 0;

  constructor(limits: MediaStoreLimits) {
    this.limits = limits;
  }

  /** Stores a file and returns its direct path (`/v/t62.7118-24/<id>.enc?…`, like WhatsApp's). */
  put(file: Buffer, kind: string): string {
    const id = `${Date.now()}_${randomBytes(12).toString('hex')}_n`;
    const path = `/v/t62.7118-24/${id}.enc`;
    this.#files.set(path, { file, kind, storedAt: Date.now() });
    this.#storedBytes += file.length;
    for (const [oldest, media] of this.#files) {
      if (this.#storedBytes <= this.limits.maxStoredBytes || oldest === path) break;
      this.#files.delete(oldest);
      this.#storedBytes -= media.file.length;
    }
    const expires = Math.floor(Date.now() / 1000 + 30 * 86_400).toString(16);
    return `${path}?ccb=11-4&oh=${randomBytes(16).toString('base64url')}&oe=${expires}&_nc_sid=5e03e0`;
  }

  /** The file behind a direct path or URL path (the query is ignored). */
  get(pathOrUrl: string): StoredMedia | undefined {
    const path = pathOrUrl.split('?')[0] ?? '';
    return this.#files.get(path);
  }

  get size(): number {
    return this.#files.size;
  }
}
