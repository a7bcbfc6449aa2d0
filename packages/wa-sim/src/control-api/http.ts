// Minimal JSON routing for the control API: typed routes, body parsing and error mapping.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, notFound, SimError } from '../errors.ts';

export type Json = Record<string, unknown>;

export interface RouteRequest {
  params: Record<string, string>;
  body: Json;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: (req: RouteRequest) => unknown | Promise<unknown>;
}

/** Room for base64 media sent by simulated phones. */
const MAX_BODY = 96 * 1024 * 1024;

export function route(method: Route['method'], path: string, handler: Route['handler']): Route {
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}/?$`);
  return { method, pattern, handler };
}

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SimError(413, 'body_too_large', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (!size) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('invalid_json', 'request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badRequest('invalid_json', 'body must be a JSON object');
  return parsed as Json;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload ?? {});
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Handles one request against `routes`; never throws (errors become `{error: {code, message}}`). */
export async function handle(routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    let pathMatched = false;
    for (const r of routes) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      const params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      const body = req.method === 'POST' ? await readBody(req) : {};
      const result = await r.handler({ params, body });
      send(res, 200, result);
      return;
    }
    if (pathMatched) throw new SimError(405, 'method_not_allowed', `${req.method} not allowed on ${pathname}`);
    throw notFound('not_found', `no route for ${req.method} ${pathname}`);
  } catch (err) {
    const e = err instanceof SimError ? err : new SimError(500, 'internal', (err as Error)?.message ?? String(err));
    if (!res.headersSent) send(res, e.status, { error: { code: e.code, message: e.message } });
    else res.destroy();
  }
}
