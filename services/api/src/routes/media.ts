import type { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/**
 * `/media/*` serves blobs of the filesystem store by presigned URL (embedded mode; S3 serves
 * its own presigned URLs). The signature, not an API key, authorises the download.
 */
export function mediaRoutes(router: Router, deps: ApiDeps): void {
  router.get(/^\/media\/(.+)$/, async (req, res, next) => {
    try {
      const serve = deps.runtime.blobs as { servePresigned?: (k: string, q: Record<string, unknown>) => Promise<unknown> };
      const key = decodeURIComponent((req.params as Record<string, string>)[0] ?? '');
      const blob = serve.servePresigned ? await serve.servePresigned(key, req.query as Record<string, unknown>) : null;
      if (!blob) {
        res.status(404).json({ success: false, error: { code: 'media_not_found', message: 'no such media or the link expired' } });
        return;
      }
      const { body, contentType, size } = blob as { body: NodeJS.ReadableStream; contentType: string; size: number };
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(size), 'Cache-Control': 'private, max-age=300' });
      body.pipe(res);
    } catch (error) {
      next(error);
    }
  });
}
