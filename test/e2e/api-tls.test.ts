import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster } from './support/cluster.ts';
import { type Child, freePort, spawnTurbozap, waitFor } from './support/processes.ts';

const run = promisify(execFile);
const d = await describeWith('postgres', 'redis', 'rabbitmq');

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read envelopes of many shapes
  body: any;
  fingerprint: string;
}

d('native TLS (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  const cluster = new Cluster();
  let dir = '';
  let cert: Buffer;
  let port = 0;
  let api: Child;

  const https = (path: string, options: { method?: string; body?: unknown; ca?: Buffer } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          ...(options.ca ? { ca: options.ca } : {}),
          headers: {
            'X-API-Key': cluster.adminKey,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), fingerprint }));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(payload);
    });

  beforeAll(async () => {
    await cluster.start();
    dir = await mkdtemp(join(tmpdir(), 'tz-tls-'));
    // A throwaway self-signed certificate for the loopback address, made with the machine's openssl.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=turbozap-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    cert = await readFile(join(dir, 'cert.pem'));
    port = await freePort();
    api = spawnTurbozap(['api'], {
      ...cluster.env,
      SERVER_PORT: String(port),
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    });
    await waitFor(
      'the API over https',
      async () => (await https('/health', { ca: cert }).catch(() => null))?.status === 200,
      60_000,
      200,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${api.output().slice(-3000)}`);
    });
  }, 180_000);

  afterAll(async () => {
    api?.kill('SIGKILL');
    await api?.exited;
    await cluster.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  test('serves the API over https with the configured certificate', async () => {
    const created = await https('/instance/create', { method: 'POST', body: { name: 'secure' }, ca: cert });
    expect(created.status).toBe(201);
    expect(created.fingerprint).toBe(new X509Certificate(cert).fingerprint256);
    const list = await https('/api/instance/list', { ca: cert });
    expect(list.body.data.map((i: { name: string }) => i.name)).toEqual(['secure']);
  });

  test('a client that does not trust the certificate refuses it; plain http gets no answer', async () => {
    await expect(https('/health')).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health', timeout: 5_000 }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
    // Node's TLS server answers a plain request with a bare 400 or drops it; never the API.
    expect(plain).toMatch(/^(status 400|error )/);
  });
});
