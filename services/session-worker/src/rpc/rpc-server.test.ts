import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@turbozap/shared/config/load';
import { channels } from '@turbozap/shared/contracts/kv';
import { MemoryCoordination } from '@turbozap/shared/coordination/memory-coordination';
import { silentLogger } from '@turbozap/shared/logging';
import type { WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { serveRpc } from './rpc-server.ts';

const picture = Buffer.from('a picture, as its server sent it');
let server: Server;
let pictureUrl = '';
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' }).end(picture);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pictureUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me.png`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Serves one RPC request the way the API sends it, on a socket that records what Baileys was handed. */
async function profileUpdate(env: Record<string, string>, params: Record<string, unknown>) {
  const coordination = new MemoryCoordination();
  const config = loadConfig('all', { SESSION_ENCRYPTION_KEY: 'ab'.repeat(32), ...env });
  const scope = { instance: { id: 'i1', name: 'pic' }, log: silentLogger() } as unknown as InstanceScope;
  const uploads: unknown[] = [];
  const sock = {
    user: { id: '5511999990000:1@s.whatsapp.net' },
    updateProfilePicture: async (_jid: string, content: unknown) => void uploads.push(content),
  } as unknown as WASocket;
  const stop = await serveRpc({ coordination, media: config.media }, scope, () => sock);
  const reply = new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => {
    void coordination.subscribe(channels.rpcReply('r1'), (raw) => resolve(JSON.parse(raw)));
  });
  const request = { requestId: 'r1', method: 'profile.update', params, deadline: Date.now() + 5_000 };
  await coordination.publish(channels.rpc('i1'), JSON.stringify(request));
  const answer = await reply;
  await stop();
  await coordination.close();
  return { answer, uploads };
}

describe('profile picture by URL', () => {
  test('Baileys is handed the fetched bytes, not the URL', async () => {
    const { answer, uploads } = await profileUpdate(
      { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' },
      { picture_url: pictureUrl },
    );
    expect(answer.ok).toBe(true);
    expect(uploads).toHaveLength(1);
    expect(Buffer.isBuffer(uploads[0])).toBe(true);
    expect(uploads[0]).toEqual(picture);
  });

  test('a private target is refused with a stable code before anything is fetched or changed', async () => {
    hits.length = 0;
    const { answer, uploads } = await profileUpdate({}, { picture_url: pictureUrl, name: 'never set' });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'invalid_target', message: 'the URL points to a private or loopback address' },
    });
    expect({ uploads, hits }).toEqual({ uploads: [], hits: [] });
  });

  test('a body past MEDIA_MAX_BYTES is refused', async () => {
    const { answer, uploads } = await profileUpdate(
      { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', MEDIA_MAX_BYTES: '8' },
      { picture_url: pictureUrl },
    );
    expect(answer.error?.code).toBe('media_too_large');
    expect(uploads).toEqual([]);
  });
});
