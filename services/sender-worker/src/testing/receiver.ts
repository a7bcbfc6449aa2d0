import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Responder = (
  req: ReceivedRequest,
  index: number,
) => { status: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang';

/** A local HTTP server on 127.0.0.1 that records every request and answers as told. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  readonly #server: Server;
  #respond: Responder;
  url = '';

  constructor(respond: Responder = () => ({ status: 200 })) {
    this.#respond = respond;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        this.requests.push(received);
        const answer = this.#respond(received, this.requests.length - 1);
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
  }

  static async start(respond?: Responder): Promise<Receiver> {
    const receiver = new Receiver(respond);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}`;
    return receiver;
  }

  answer(respond: Responder): void {
    this.#respond = respond;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
