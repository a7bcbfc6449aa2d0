// A webhook receiver for bench/webhooks.ts: a plain node:http server on 127.0.0.1 answering 200
// with an empty body as soon as a request's body has arrived. It records when each event id
// (X-TurboZap-Event-Id) was first received and counts repeats, and verifies the signature of
// every `sampleEvery`-th request as a receiver would (docs/WEBHOOKS.md), written out here
// rather than imported so that a wrong signer cannot pass its own check. Driven over IPC:
//   { cmd: 'secrets', secrets: { [path]: secret }, sampleEvery }   secrets by request path
//   { cmd: 'count' }     { unique, requests } since the last take
//   { cmd: 'take' }      the receipts since the last take: { received: [eventId, ms][], requests,
//                        duplicates, verified, badSignatures, unknownPaths }, then starts counting
//                        afresh (a repeat of an id taken earlier still counts as a duplicate)
// Listens on RECEIVER_PORT (or any free port); sends { ready: true, port } once listening.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

if (!process.send) throw new Error('run by bench/webhooks.ts (IPC)');
const send = process.send.bind(process);

let secrets = new Map<string, string>();
let sampleEvery = 20;
let received = new Map<string, number>();
/** Every event id ever received: a repeat after a `take` still counts as a duplicate. */
const everReceived = new Set<string>();
let requests = 0;
let duplicates = 0;
let verified = 0;
let badSignatures = 0;
let unknownPaths = 0;
const badExamples: string[] = [];

function signatureOk(secret: string, body: Buffer, header: string | undefined, nowSec: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const [, t, v1] = m as unknown as [string, string, string];
  if (Math.abs(nowSec - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

function record(req: IncomingMessage, body: Buffer): void {
  const at = Date.now();
  requests++;
  const id = String(req.headers['x-turbozap-event-id'] ?? '');
  if (everReceived.has(id)) duplicates++;
  else {
    everReceived.add(id);
    received.set(id, at);
  }
  if (requests % sampleEvery !== 0) return;
  const secret = secrets.get(req.url ?? '');
  if (secret === undefined) {
    unknownPaths++;
    return;
  }
  const header = req.headers['x-turbozap-signature'];
  if (signatureOk(secret, body, Array.isArray(header) ? header[0] : header, Math.floor(at / 1000))) verified++;
  else {
    badSignatures++;
    if (badExamples.length < 3) badExamples.push(`${req.url} ${String(header)}`);
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    record(req, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.RECEIVER_PORT ?? 0), '127.0.0.1', () =>
  send({ ready: true, port: (server.address() as AddressInfo).port }),
);

process.on('message', (raw) => {
  const msg = raw as { id: number; cmd: string; secrets?: Record<string, string>; sampleEvery?: number };
  if (msg.cmd === 'secrets') {
    secrets = new Map(Object.entries(msg.secrets ?? {}));
    sampleEvery = Math.max(1, msg.sampleEvery ?? sampleEvery);
    send({ id: msg.id, ok: true });
  } else if (msg.cmd === 'count') {
    send({ id: msg.id, ok: true, unique: received.size, requests });
  } else if (msg.cmd === 'take') {
    send({
      id: msg.id,
      ok: true,
      received: [...received],
      requests,
      duplicates,
      verified,
      badSignatures,
      unknownPaths,
      badExamples,
    });
    received = new Map();
    requests = duplicates = verified = badSignatures = unknownPaths = 0;
    badExamples.length = 0;
  } else send({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
});
process.on('disconnect', () => process.exit(0));
