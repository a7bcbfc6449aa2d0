import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { ClaimedDelivery } from '@turbozap/shared/db/repositories/webhook-deliveries';

/** Where a delivery's media is read from, and the largest file sent inside a body. */
export interface MediaAttachment {
  blobs: Pick<BlobStore, 'get'>;
  maxBytes: number;
}

/**
 * Receivers that cannot fetch (`media_url` is presigned and expires; `GET /message/:name/:id/media`
 * needs a key) may ask for the file in the body. 5 MB of media is ~6.7 MB of base64: bodies stay
 * within what common receivers accept, and a dispatcher's deliveries in flight within memory.
 */
export const WEBHOOK_MEDIA_BASE64_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The envelope to deliver: for a webhook with `include_media_base64` and an event that names a
 * stored `media_key`, its data gains `media_base64` and `media_mimetype`, or
 * `media_base64_omitted: "too_large"` past the limit. A blob store that fails throws (the attempt
 * is retried); a blob that is gone is left out quietly (`media_base64_omitted: "missing"`).
 */
export async function withMedia(
  claim: Pick<ClaimedDelivery, 'payload' | 'include_media_base64'>,
  media: MediaAttachment | undefined,
): Promise<Record<string, unknown>> {
  const data = claim.payload['data'] as Record<string, unknown> | undefined;
  const key = data?.['media_key'];
  if (!claim.include_media_base64 || !media || !data || typeof key !== 'string') return claim.payload;
  const attach = (extra: Record<string, unknown>) => ({ ...claim.payload, data: { ...data, ...extra } });
  const blob = await media.blobs.get(key);
  if (!blob) return attach({ media_base64_omitted: 'missing' });
  if (blob.size > media.maxBytes) {
    blob.body.destroy();
    return attach({ media_base64_omitted: 'too_large' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of blob.body) {
    size += chunk.length;
    // A store that said less than it holds is not read past the limit.
    if (size > media.maxBytes) {
      blob.body.destroy();
      return attach({ media_base64_omitted: 'too_large' });
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return attach({ media_base64: Buffer.concat(chunks).toString('base64'), media_mimetype: blob.contentType });
}
