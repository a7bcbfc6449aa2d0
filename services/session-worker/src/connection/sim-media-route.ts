// Against the simulator only: Baileys hard-codes `https://<media host>` for uploads (node:https
// with the socket's `fetchAgent`) and downloads (global fetch with a `dispatcher` option). This
// routes exactly the simulated media hosts to the simulator's plain-HTTP port. It is handed to
// Baileys' media calls only; nothing global changes, and every other host passes through.
import { Agent as HttpsAgent } from 'node:https';
import { connect, type Socket } from 'node:net';
import { Agent, Dispatcher1Wrapper } from 'undici';

export interface SimMediaRoute {
  /** Hostnames sent to the simulator. */
  hosts: ReadonlySet<string>;
  /** Baileys' `fetchAgent` (uploads). */
  uploadAgent: HttpsAgent;
  /** Baileys' `options` and `downloadMediaMessage`'s `options` (fetch init with the dispatcher). */
  fetchOptions: RequestInit;
}

export function simulatorMediaRoute(simulatorUrl: string, hosts: Iterable<string>): SimMediaRoute {
  const target = new URL(simulatorUrl);
  if (target.protocol !== 'http:') throw new Error(`simulator URL must be http: ${simulatorUrl}`);
  const routed = new Set(hosts);
  const port = Number(target.port) || 80;
  const hostname = target.hostname.replace(/^\[|\]$/g, '');

  class UploadAgent extends HttpsAgent {
    override createConnection(...args: Parameters<HttpsAgent['createConnection']>): Socket {
      const options = args[0] as { host?: string };
      if (options.host && routed.has(options.host)) return connect(port, hostname);
      return super.createConnection(...args) as Socket;
    }
  }

  const agent = new Agent().compose((dispatch) => (opts, handler) => {
    const host = opts.origin ? new URL(String(opts.origin)).hostname : '';
    return dispatch(routed.has(host) ? { ...opts, origin: target.origin } : opts, handler);
  });
  // Node's built-in fetch drives dispatchers with the undici 7 handler API; the wrapper adapts it.
  const dispatcher = new Dispatcher1Wrapper(agent);
  return {
    hosts: routed,
    uploadAgent: new UploadAgent(),
    fetchOptions: { dispatcher } as unknown as RequestInit,
  };
}
