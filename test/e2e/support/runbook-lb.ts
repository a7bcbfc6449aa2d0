import { createServer, request, type Server } from 'node:http';
import type { Role } from './runbook-stack.ts';

/**
 * What HAProxy (docker-compose.yml's `lb`) or a Kubernetes Service does for the API replicas, in
 * miniature: round-robin over the replicas in rotation. `rollingRestart()` is what
 * `kubectl rollout restart` does: one replica at a time, out of rotation (drained of in-flight
 * requests) before it stops, back in only once /ready answers.
 */
export class MiniBalancer {
  readonly replicas: Role[];
  readonly #inRotation = new Set<Role>();
  readonly #inFlight = new Map<Role, number>();
  #next = 0;
  #server?: Server;
  #control?: Server;
  port = 0;
  controlPort = 0;
  restarts = 0;

  constructor(replicas: Role[]) {
    this.replicas = replicas;
    for (const r of replicas) this.#inRotation.add(r);
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const live = this.replicas.filter((r) => this.#inRotation.has(r));
      const target = live[this.#next++ % Math.max(live.length, 1)];
      if (!target) {
        res.writeHead(503).end('no replica in rotation');
        return;
      }
      this.#inFlight.set(target, (this.#inFlight.get(target) ?? 0) + 1);
      const done = () => this.#inFlight.set(target, (this.#inFlight.get(target) ?? 1) - 1);
      const upstream = request(
        { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.once('end', done);
        },
      );
      upstream.once('error', () => {
        done();
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    // The restart hook the rotation script calls (--restart-cmd "curl -X POST .../restart-api").
    this.#control = createServer((req, res) => {
      if (req.method !== 'POST' || req.url !== '/restart-api') {
        res.writeHead(404).end();
        return;
      }
      this.rollingRestart().then(
        () => res.writeHead(200).end('restarted\n'),
        (error: Error) => res.writeHead(500).end(`${error.message}\n`),
      );
    });
    this.port = await listen(this.#server);
    this.controlPort = await listen(this.#control);
  }

  async rollingRestart(): Promise<void> {
    for (const replica of this.replicas) {
      this.#inRotation.delete(replica);
      const deadline = Date.now() + 10_000;
      while ((this.#inFlight.get(replica) ?? 0) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await replica.restart();
      this.#inRotation.add(replica);
      this.restarts++;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#server, this.#control].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((res) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      res(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
