import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { withDeadline } from '../util/timeout.ts';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

export interface OpsEndpoints {
  registry: MetricsRegistry;
  readiness: ReadinessCheck;
  /** When set, /metrics asks for this predicate to accept the request (METRICS_API_KEY_REQUIRED). */
  authorizeMetrics?: (req: IncomingMessage) => Promise<boolean>;
}

/**
 * `/health` (liveness: the process answers), `/ready` (every dependency, each named) and
 * `/metrics`, served the same way by every role. Returns false when the path is not one of them.
 */
export async function handleOps(req: IncomingMessage, res: ServerResponse, ops: OpsEndpoints): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/health') {
    send(res, 200, 'application/json', JSON.stringify({ success: true, data: { status: 'ok' } }));
    return true;
  }
  if (path === '/ready') {
    const checks = await withDeadline(ops.readiness(), 3000, { readiness_check: false });
    const ready = Object.values(checks).every(Boolean);
    send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ success: ready, data: { ready, checks } }));
    return true;
  }
  if (path === '/metrics') {
    if (ops.authorizeMetrics && !(await ops.authorizeMetrics(req))) {
      send(
        res,
        401,
        'application/json',
        JSON.stringify({ success: false, error: { code: 'unauthorized', message: 'API key required' } }),
      );
      return true;
    }
    send(res, 200, ops.registry.contentType, await ops.registry.metrics());
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}
