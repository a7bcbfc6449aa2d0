import { createServer, type Server } from 'node:http';
import { handleOps } from '@turbozap/shared/http/ops';
import type { Component, Runtime } from '@turbozap/shared/runtime';

/** Worker roles serve /health, /ready and /metrics on SERVER_PORT too (no API routes). */
export function createOpsServer(runtime: Runtime, readiness: () => Promise<Record<string, boolean>>): Component {
  let server: Server | undefined;
  return {
    name: 'ops-http',
    async start() {
      server = createServer((req, res) => {
        handleOps(req, res, { registry: runtime.registry, readiness })
          .then((handled) => {
            if (!handled) {
              res.writeHead(404, { 'Content-Type': 'application/json' });
              res.end(
                JSON.stringify({
                  success: false,
                  error: { code: 'route_not_found', message: 'worker roles serve /health, /ready and /metrics only' },
                }),
              );
            }
          })
          .catch(() => {
            res.writeHead(500);
            res.end();
          });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(runtime.config.server.port, runtime.config.server.host, () => resolve());
      });
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
