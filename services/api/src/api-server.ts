import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Component, ServiceRuntime } from '@turbozap/shared/runtime';
import { createApp } from './app.ts';
import { createDeps } from './deps.ts';
import { EventHub } from './events-stream/hub.ts';
import { apiLimits } from './limits.ts';

/** The API role: the Express app on SERVER_PORT (HTTPS when TLS files are configured). */
export function createApiServer(
  runtime: ServiceRuntime<'api'>,
  readiness: () => Promise<Record<string, boolean>>,
): Component {
  const deps = createDeps(runtime, apiLimits(runtime.config), { checkResponses: runtime.config.api.checkResponses });
  const hub = new EventHub(runtime);
  const { app } = createApp({ deps, hub, readiness });
  const { server: settings } = runtime.config;
  let server: Server | undefined;
  return {
    name: 'api',
    async start() {
      server = settings.tls
        ? createHttps({ cert: readFileSync(settings.tls.certFile), key: readFileSync(settings.tls.keyFile) }, app)
        : createHttp(app);
      // Slow clients cannot hold sockets forever; SSE streams set their own keep-alive.
      server.headersTimeout = 20_000;
      server.requestTimeout = 60_000;
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(settings.port, settings.host, () => resolve());
      });
      runtime.logger.info('api listening', { port: settings.port, tls: Boolean(settings.tls) });
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
        // SSE streams never end by themselves.
        setTimeout(() => server?.closeAllConnections(), 2_000).unref();
      });
      await deps.publisher.flush();
      await hub.stop();
    },
  };
}

export { createApp } from './app.ts';
export { createDeps } from './deps.ts';
