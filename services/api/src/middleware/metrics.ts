import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { RequestHandler } from 'express';

/** Latency by method, route template (never the raw path: bounded labels) and status. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const template = req.route?.path ? `${req.baseUrl === '/api' ? '/api' : ''}${req.route.path}` : routeOf(req.path);
      end({ method: req.method, route: template, status: String(res.statusCode) });
    });
    next();
  };
}

const opsPaths = new Set(['/health', '/ready', '/metrics', '/', '/openapi.json', '/docs']);
const routeOf = (path: string) => (opsPaths.has(path) ? path : 'unmatched');
