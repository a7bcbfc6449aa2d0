import { FsBlobStore, keyFromMediaPath } from '@turbozap/shared/blobs';
import type { Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { sendBlob } from '../http/blob-response.ts';
import { fail } from '../http/envelope.ts';

/**
 * `/media/*` serves blobs of the filesystem store by presigned URL (embedded mode; S3 serves
 * its own presigned URLs). The signature, not an API key, authorises the download.
 */
export function mediaRoutes(router: Router, deps: ApiDeps): void {
  router.get(/^\/media\//, async (req, res, next) => {
    try {
      const store = deps.blobs;
      const key = keyFromMediaPath(req.path);
      const { expires, signature } = req.query;
      const valid =
        store instanceof FsBlobStore &&
        key &&
        typeof expires === 'string' &&
        typeof signature === 'string' &&
        store.verify(key, expires, signature);
      const blob = valid && key ? await store.get(key) : null;
      if (!blob) return fail(res, 404, 'media_not_found', 'no such media, or the link expired');
      await sendBlob(res, blob, { cache: 'private, max-age=300' });
    } catch (error) {
      next(error);
    }
  });
}
