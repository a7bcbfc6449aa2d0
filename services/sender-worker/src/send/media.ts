import { instanceMediaPrefix } from '@turbozap/shared/blobs/keys';
import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { StoredMedia } from '@turbozap/shared/db/repositories/messages';
import type { MessageRow } from '@turbozap/shared/db/schema';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import { FetchError, isUnsafeTargetError, type ResolveAll, safeGet } from '@turbozap/shared/net';
import type { Agent } from 'undici';
import { RetryableError } from './errors.ts';
import { mediaKindOf, resolveContentType } from './media-types.ts';

export interface MediaOptions {
  blobs: BlobStore;
  agent: Agent;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** ALLOW_PRIVATE_NETWORK_TARGETS. */
  allowPrivate: boolean;
  /** The whole download, headers and body. */
  timeoutMs: number;
  resolve?: ResolveAll | undefined;
}

export const mediaKey = (row: Pick<MessageRow, 'id' | 'instance_id'>): string =>
  `${instanceMediaPrefix(row.instance_id)}${row.id}`;

interface Fetched {
  bytes: Buffer;
  announced: string;
}

const dataUrl = /^data:([^;,]*)(?:;[^,]*)?;base64,/i;

/** Media of outbound messages: fetched (SSRF guard, size cap) or decoded, checked, stored. */
export class MediaPreparer {
  readonly #options: MediaOptions;

  constructor(options: MediaOptions) {
    this.#options = options;
  }

  /**
   * Stores the message's media under `media/<instanceId>/<messageId>` (a retry overwrites the
   * same key) and returns where, how big and of which type; null for a message without media.
   * Throws PermanentError for what retrying cannot fix, RetryableError otherwise.
   */
  async prepare(row: MessageRow): Promise<StoredMedia | null> {
    const content = row.content;
    const url = typeof content.media_url === 'string' ? content.media_url : undefined;
    const base64 = typeof content.base64 === 'string' ? content.base64 : undefined;
    if (url === undefined && base64 === undefined) return null;
    if (url !== undefined && base64 !== undefined)
      throw new PermanentError('invalid_content', 'media_url and base64 are mutually exclusive');
    const fetched = url !== undefined ? await this.#download(url) : this.#decode(base64 as string);
    const declared = typeof content.mimetype === 'string' ? content.mimetype : undefined;
    const contentType = resolveContentType(mediaKindOf(row.type, content), fetched.announced, declared, fetched.bytes);
    const key = mediaKey(row);
    try {
      await this.#options.blobs.put(key, fetched.bytes, { contentType });
    } catch (err) {
      throw new RetryableError('media_store_failed', 'storing the media failed', { cause: err });
    }
    return { key, size: fetched.bytes.length, contentType };
  }

  async #download(url: string): Promise<Fetched> {
    const { agent, maxBytes, timeoutMs, allowPrivate, resolve } = this.#options;
    try {
      const result = await safeGet(url, { agent, maxBytes, timeoutMs, allowPrivate, ...(resolve ? { resolve } : {}) });
      return { bytes: result.body, announced: result.contentType };
    } catch (err) {
      throw classifyDownloadError(err);
    }
  }

  #decode(text: string): Fetched {
    const match = dataUrl.exec(text);
    const payload = (match ? text.slice(match[0].length) : text).replace(/\s+/g, '');
    // Refuse before decoding: the decoded size is known from the length.
    const decodedSize =
      Math.floor((payload.length * 3) / 4) - (payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0);
    if (decodedSize > this.#options.maxBytes)
      throw new PermanentError('media_too_large', `media exceeds ${this.#options.maxBytes} bytes`);
    if (payload.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload))
      throw new PermanentError('invalid_content', 'base64 is not valid base64');
    return { bytes: Buffer.from(payload, 'base64'), announced: match?.[1]?.toLowerCase() ?? '' };
  }
}

function classifyDownloadError(err: unknown): Error {
  if (isUnsafeTargetError(err)) {
    if (err.reason === 'unresolvable_host')
      return err.transient
        ? new RetryableError('media_unreachable', err.message, { cause: err })
        : new PermanentError('media_unreachable', err.message);
    return new PermanentError('invalid_target', err.message);
  }
  if (err instanceof FetchError) {
    if (err.failure === 'too_large') return new PermanentError('media_too_large', err.message);
    if (!err.transient) return new PermanentError('media_unreachable', err.message);
    return new RetryableError('media_unreachable', err.message, { cause: err });
  }
  return new RetryableError('media_unreachable', 'media download failed', { cause: err });
}
