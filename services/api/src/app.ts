import { handleOps } from '@turbozap/shared/http/ops';
import cors from 'cors';
import express, { type Express, Router } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from './deps.ts';
import type { EventHub } from './events-stream/hub.ts';
import { type RouteTable, routeDefiner } from './http/route.ts';
import { errorHandler, notFoundHandler } from './middleware/errors.ts';
import { httpMetrics } from './middleware/metrics.ts';
import { docsPage, openApiDocument } from './openapi/document.ts';
import { authRoutes } from './routes/auth.ts';
import { clusterRoutes } from './routes/cluster.ts';
import { consoleRoutes } from './routes/console.ts';
import { eventRoutes } from './routes/events.ts';
import { instanceCallRoutes } from './routes/instance-calls.ts';
import { instanceHistoryRoutes } from './routes/instance-history.ts';
import { instanceSettingsRoutes } from './routes/instance-settings.ts';
import { instanceRoutes } from './routes/instances.ts';
import { keyRoutes } from './routes/keys.ts';
import { mediaRoutes } from './routes/media.ts';
import { messageRoutes } from './routes/messages.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export const apiVersion = '0.1.0';

export interface AppOptions {
  deps: ApiDeps;
  hub: EventHub;
  readiness: () => Promise<Record<string, boolean>>;
}

/** The Express app: everything under /api, and bare as the operational plan calls it. */
export function createApp({ deps, hub, readiness }: AppOptions): { app: Express; routes: RouteTable } {
  const { config, registry, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // req.ip is the client a proxy on a private network forwarded, else the peer itself: a client
  // cannot choose its address (X-Forwarded-For) to slip past the failed-authentication limit.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(httpMetrics(metrics));
  if (config.api.corsOrigins.length > 0) {
    app.use(cors({ origin: config.api.corsOrigins.includes('*') ? true : config.api.corsOrigins, maxAge: 600 }));
  }
  app.use(async (req, res, next) => {
    // The ops endpoints are all GETs: a send does not pay for an async detour.
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const authorizeMetrics = config.api.metricsRequireKey
      ? () =>
          deps.auth.authenticate(req).then(
            () => true,
            () => false,
          )
      : undefined;
    try {
      if (!(await handleOps(req, res, { registry, readiness, ...(authorizeMetrics ? { authorizeMetrics } : {}) })))
        next();
    } catch (error) {
      next(error);
    }
  });
  // No body parser here: a route reads its body once the key is checked (http/body.ts).

  const routes: RouteTable = [];
  const router = Router();
  const define = routeDefiner(router, deps, routes);
  authRoutes(define);
  keyRoutes(define);
  clusterRoutes(define);
  instanceRoutes(define);
  instanceHistoryRoutes(define);
  instanceSettingsRoutes(define);
  eventRoutes(define, deps, hub);
  messageRoutes(define);
  webhookRoutes(define);
  instanceCallRoutes(define);
  mediaRoutes(router, deps);

  app.get('/', (_req, res) => {
    res.json({
      success: true,
      data: { name: 'TurboZap', version: apiVersion, docs: '/docs', openapi: '/openapi.json' },
    });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(routes, apiVersion));
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  consoleRoutes(app);
  app.use('/api', router);
  app.use('/', router);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return { app, routes };
}
