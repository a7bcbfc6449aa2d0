// One HTTP server: the control API on plain requests, the chat WebSocket on /ws/chat upgrades.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export const WS_PATH = '/ws/chat';

export interface ListeningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onSocket(ws: WebSocket, req: IncomingMessage): void;
  /** Errors of the listening server after start (it keeps running). */
  onError(err: Error): void;
}

export async function listen(opts: ListenOptions): Promise<ListeningServer> {
  const server = createServer((req, res) => opts.onRequest(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => opts.onSocket(ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', opts.onError);
  wss.on('error', opts.onError);
  const { port } = server.address() as AddressInfo;
  return {
    host: opts.host,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
