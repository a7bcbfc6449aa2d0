import { pipeline } from 'node:stream/promises';
import { instanceMediaPrefix } from '@turbozap/shared/blobs/keys';
import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { Logger } from '@turbozap/shared/logging/logger';
import { withTimeout } from '@turbozap/shared/util/timeout';
import { downloadMediaMessage, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import { baileysLogger } from '../connection/baileys-logger.ts';
import type { SimMediaRoute } from '../connection/sim-media-route.ts';
import { byteCap, MediaTooLargeError, mediaDownloadHost } from './media-download.ts';

const DOWNLOAD_TIMEOUT_MS = 60_000;
/** Presigned URLs may live at most 7 days (S3's limit, kept by every blob store). */
const MAX_URL_TTL_S = 7 * 86_400;

/** Under the instance's media prefix, so deleting the instance deletes it too. */
export const mediaBlobKey = (instanceId: string, waMessageId: string): string =>
  `${instanceMediaPrefix(instanceId)}${waMessageId}`;

export interface InboundMediaOptions {
  blobs: BlobStore;
  logger: Logger;
  maxBytes: number;
  instanceId: string;
  /** MEDIA_URL_TTL: lifetime of the presigned URL handed out with the event. */
  urlTtlMs: number;
  /** Set against the simulator only. */
  mediaRoute?: SimMediaRoute | undefined;
}

export type StoredInboundMedia = { mediaKey: string; url: string | undefined } | { error: string };

/**
 * Streams an incoming message's media into the blob store; returns the blob key and a presigned
 * URL for it, or an error reason (the message is stored anyway, without media). Memory stays
 * bounded whatever the sender declares: the bytes are counted as they pass and the download is
 * aborted past MEDIA_MAX_BYTES; only WhatsApp's media hosts are fetched from.
 */
export async function storeInboundMedia(
  options: InboundMediaOptions,
  sock: WASocket,
  msg: WAMessage,
  declaredSize: number | undefined,
  mimetype: string | undefined,
): Promise<StoredInboundMedia> {
  if (declaredSize !== undefined && declaredSize > options.maxBytes) return { error: 'media_too_large' };
  const host = mediaDownloadHost(msg, options.mediaRoute?.hosts);
  if (!host) {
    options.logger.warn("inbound media names a host that is not WhatsApp's: not fetched", {
      wa_message_id: msg.key.id,
    });
    return { error: 'media_host_not_allowed' };
  }
  const key = mediaBlobKey(options.instanceId, msg.key.id ?? 'unknown');
  const fetchOptions = options.mediaRoute ? { options: options.mediaRoute.fetchOptions } : {};
  let download: NodeJS.ReadableStream | undefined;
  try {
    await withTimeout(
      (async () => {
        download = await downloadMediaMessage(
          msg,
          'stream',
          { ...fetchOptions, host },
          { logger: baileysLogger(options.logger), reuploadRequest: sock.updateMediaMessage },
        );
        const capped = byteCap(options.maxBytes);
        const stored = options.blobs.put(key, capped, { contentType: mimetype ?? 'application/octet-stream' });
        // Both settle before either is judged: a cap that trips also fails the store's read.
        const results = await Promise.allSettled([pipeline(download, capped), stored]);
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        if (failures.length) throw failures.find((e) => e instanceof MediaTooLargeError) ?? failures[0];
      })(),
      DOWNLOAD_TIMEOUT_MS,
      'media download',
    );
  } catch (error) {
    (download as { destroy?: () => void } | undefined)?.destroy?.();
    await options.blobs.delete(key).catch(() => {});
    if (error instanceof MediaTooLargeError) return { error: 'media_too_large' };
    options.logger.warn('inbound media download failed', { wa_message_id: msg.key.id, error });
    return { error: 'media_download_failed' };
  }
  return { mediaKey: key, url: await presign(options, key) };
}

/** A URL is a convenience: without one the blob is still referenced by its key. */
async function presign(options: InboundMediaOptions, key: string): Promise<string | undefined> {
  const ttl = Math.min(MAX_URL_TTL_S, Math.max(1, Math.floor(options.urlTtlMs / 1000)));
  try {
    return await options.blobs.presignedGetUrl(key, ttl);
  } catch (error) {
    options.logger.warn('presigning inbound media failed', { error });
    return undefined;
  }
}
