import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { Logger } from '@turbozap/shared/logging/logger';
import { downloadMediaMessage, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import { baileysLogger } from '../connection/baileys-logger.ts';
import type { SimMediaRoute } from '../connection/sim-media-route.ts';
import { withTimeout } from '../util/timeout.ts';

const DOWNLOAD_TIMEOUT_MS = 60_000;
/** Presigned URLs may live at most 7 days (S3's limit, kept by every blob store). */
const MAX_URL_TTL_S = 7 * 86_400;

export const mediaBlobKey = (instanceId: string, waMessageId: string): string => `media/${instanceId}/${waMessageId}`;

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
 * Downloads an incoming message's media and stores it in the blob store; returns the blob key
 * and a presigned URL for it, or an error reason (the message is stored anyway, without media).
 */
export async function storeInboundMedia(
  options: InboundMediaOptions,
  sock: WASocket,
  msg: WAMessage,
  declaredSize: number | undefined,
  mimetype: string | undefined,
): Promise<StoredInboundMedia> {
  if (declaredSize !== undefined && declaredSize > options.maxBytes) return { error: 'media_too_large' };
  let key: string;
  try {
    const buffer = await withTimeout(
      downloadMediaMessage(msg, 'buffer', options.mediaRoute ? { options: options.mediaRoute.fetchOptions } : {}, {
        logger: baileysLogger(options.logger),
        reuploadRequest: sock.updateMediaMessage,
      }),
      DOWNLOAD_TIMEOUT_MS,
      'media download',
    );
    if (buffer.length > options.maxBytes) return { error: 'media_too_large' };
    key = mediaBlobKey(options.instanceId, msg.key.id ?? 'unknown');
    await options.blobs.put(key, buffer, { contentType: mimetype ?? 'application/octet-stream' });
  } catch (error) {
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
