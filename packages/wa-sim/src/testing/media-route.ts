// Lets an in-process Baileys reach the simulator's media host. Baileys hard-codes `https://<host>`
// for uploads (node:https with `fetchAgent`) and downloads (global fetch with a `dispatcher`); both
// are pointed at the simulator's plain-HTTP port for the simulated media hosts only.
import { Agent as HttpsAgent } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import { Agent, Dispatcher1Wrapper } from 'undici';

export interface MediaRoute {
  /** For makeWASocket: uploads and media fetched by Baileys itself. */
  socketConfig: Pick<UserFacingSocketConfig, 'fetchAgent' | 'options'>;
  /** For `downloadMediaMessage(msg, type, downloadOptions)`. */
  downloadOptions: { options: RequestInit };
  close(): Promise<void>;
}

/** `simUrl` is the simulator's HTTP base URL, `hosts` its `mediaHosts`. */
export function simMediaRoute(simUrl: string, hosts: readonly string[]): MediaRoute {
  const target = new URL(simUrl);
  const routed = new Set(hosts);
  const port = Number(target.port) || 80;
  class UploadAgent extends HttpsAgent {
    override createConnection(...args: Parameters<HttpsAgent['createConnection']>): Socket {
      const [options] = args as [{ host?: string }];
      if (options.host && routed.has(options.host)) return connect(port, target.hostname);
      return super.createConnection(...args) as Socket;
    }
  }
  const agent = new Agent().compose((dispatch) => (opts, handler) => {
    const host = opts.origin ? new URL(String(opts.origin)).hostname : '';
    return dispatch(routed.has(host) ? { ...opts, origin: target.origin } : opts, handler);
  });
  // Node's own fetch drives dispatchers with the undici 7 handler API; the wrapper adapts it.
  const dispatcher = new Dispatcher1Wrapper(agent);
  const options = { dispatcher } as unknown as RequestInit;
  return {
    socketConfig: { fetchAgent: new UploadAgent(), options },
    downloadOptions: { options },
    close: () => agent.close(),
  };
}
