import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express } from 'express';
import { fail } from '../http/envelope.ts';

/**
 * The console's page may load only its own hashed files and talk only to this origin: no
 * inline script, no third party, no framing. Its key lives in sessionStorage; this is what
 * keeps a stray script from reading it.
 */
const policy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `scripts/bootstrap.sh` built the console (packages/console/dist). */
const built = join(dirname(createRequire(import.meta.url).resolve('@turbozap/console/package.json')), 'dist');

/** `/manager`: the browser console. Its files are public; everything it shows comes from the API with the key it is given. */
export function consoleRoutes(app: Express): void {
  app.use('/manager', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', policy);
    next();
  });
  // Names carry a hash of their content: a new build is new names, so a year of caching is safe.
  app.use('/manager/assets', express.static(join(built, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  app.get(['/manager', '/manager/'], (_req, res) => {
    const index = join(built, 'index.html');
    if (!existsSync(index)) {
      return fail(res, 503, 'console_not_built', 'the console is not built: run scripts/bootstrap.sh');
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
