import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { Logger } from '@turbozap/shared/logging/logger';
import { downloadMediaMessage, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import { baileysLogger } from '../connection/baileys-logger.ts';
import { withTimeout } from '../util/timeout.ts';

const DOWNLOAD_TIMEOUT_MS = 60_000;

export const mediaBlobKey = (instanceId: string, waMessageId: string): string => `media/${instanceId}/${waMessageId}`;

/**
 * Downloads an incoming message's media and stores it in the blob store; returns the blob key,
 * or an error reason (the message is stored anyway, without media).
 */
export async function storeInboundMedia(
  options: { blobs: BlobStore; logger: Logger; maxBytes: number; instanceId: string },
  sock: WASocket,
  msg: WAMessage,
  declaredSize: number | undefined,
  mimetype: string | undefined,
): Promise<{ mediaKey: string } | { error: string }> {
  if (declaredSize !== undefined && declaredSize > options.maxBytes) return { error: 'media_too_large' };
  try {
    const buffer = await withTimeout(
      downloadMediaMessage(
        msg,
        'buffer',
        {},
        { logger: baileysLogger(options.logger), reuploadRequest: sock.updateMediaMessage },
      ),
      DOWNLOAD_TIMEOUT_MS,
      'media download',
    );
    if (buffer.length > options.maxBytes) return { error: 'media_too_large' };
    const key = mediaBlobKey(options.instanceId, msg.key.id ?? 'unknown');
    await options.blobs.put(key, buffer, { contentType: mimetype ?? 'application/octet-stream' });
    return { mediaKey: key };
  } catch (error) {
    options.logger.warn('inbound media download failed', { wa_message_id: msg.key.id, error });
    return { error: 'media_download_failed' };
  }
}
