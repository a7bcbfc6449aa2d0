import { pipeline } from 'node:stream/promises';
import type { StoredBlob } from '@turbozap/shared/blobs/port';
import type { Response } from 'express';

/**
 * Streams a stored blob. What a contact sent is served as an inert download: a document
 * declared `text/html` must not run as a page of the API's origin (where the console keeps its
 * key), so the response is sandboxed and, for downloads, an attachment.
 */
export async function sendBlob(
  res: Response,
  blob: StoredBlob,
  options: { download?: string; cache: 'private, max-age=300' | 'private, no-store' },
): Promise<void> {
  if (options.download !== undefined) res.attachment(options.download);
  res.writeHead(200, {
    'Content-Type': blob.contentType,
    'Content-Length': String(blob.size),
    'Cache-Control': options.cache,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
  });
  // A reader that goes away ends the stream (and the blob's read) here, not as an error.
  await pipeline(blob.body, res).catch(() => res.destroy());
}
