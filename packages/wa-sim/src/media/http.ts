// The media host on the simulator's HTTP server: `POST /mms/<kind>/<fileEncSha256>?auth=&token=`
// (Baileys' upload) answers `{url, direct_path}`; `GET /v/...` serves the stored encrypted file.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimLogger } from '../log.ts';
import { sha256 } from './crypto.ts';
import type { MediaStore } from './store.ts';

const UPLOAD = /^\/mms\/([\w-]+)\/([A-Za-z0-9_-]{43})$/;
const DOWNLOAD = /^\/v\//;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  json(res, status, { error: { code, message } });

async function readUpload(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Handles media host requests; returns false for any other path (the control API's). */
export function handleMediaRequest(
  store: MediaStore,
  mediaHost: string,
  log: SimLogger,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const upload = UPLOAD.exec(url.pathname);
  if (upload && req.method === 'POST') {
    void acceptUpload(store, mediaHost, log, req, res, url, upload[1]!, upload[2]!).catch((err: Error) => {
      log.warn('media upload failed', { err: err.message });
      if (!res.headersSent) fail(res, 500, 'internal', 'upload failed');
      else res.destroy();
    });
    return true;
  }
  if (DOWNLOAD.test(url.pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
    const media = store.get(url.pathname);
    if (!media) {
      fail(res, 404, 'media_not_found', 'no such media');
      return true;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': media.file.length });
    res.end(req.method === 'HEAD' ? undefined : media.file);
    return true;
  }
  return false;
}

async function acceptUpload(
  store: MediaStore,
  mediaHost: string,
  log: SimLogger,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  kind: string,
  token: string,
): Promise<void> {
  if (url.searchParams.get('auth') !== store.auth) {
    req.resume();
    return fail(res, 401, 'invalid_auth', 'auth is not the one media_conn issued');
  }
  if (url.searchParams.get('token') !== token) {
    req.resume();
    return fail(res, 400, 'invalid_token', 'token must repeat the path hash');
  }
  const file = await readUpload(req, store.limits.maxUploadBytes);
  if (!file) {
    req.resume();
    return fail(res, 413, 'media_too_large', `uploads are limited to ${store.limits.maxUploadBytes} bytes`);
  }
  if (sha256(file).toString('base64url') !== token)
    return fail(res, 400, 'hash_mismatch', 'the body does not hash to the path token');
  const directPath = store.put(file, kind);
  log.debug('media uploaded', { kind, bytes: file.length });
  json(res, 200, { url: `https://${mediaHost}${directPath}&mms3=true`, direct_path: directPath });
}
