import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver on loopback that answers 200 and keeps every event body it is sent, in order. */
export interface EventReceiver<E> {
  /** Its `/hook` URL, for `POST /webhook/NAME/set`. */
  url: string;
  events: E[];
  close(): Promise<void>;
}

export async function startEventReceiver<E>(): Promise<EventReceiver<E>> {
  const events: E[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      events.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    events,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
