import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWith } from '@turbozap/shared/testing/services';
import { testPng } from '@turbozap/wa-sim/testing/png';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988100001';
/** The workers' MEDIA_MAX_BYTES here: small, so "too large" needs no big allocation. */
const CAP = 256 * 1024;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface InboxEntry {
  id: string;
  type: string;
  text?: string;
  media?: { mimetype?: string; size?: number; sha256?: string; error?: string };
}

/** Serves what the media_url tests fetch: an image, a text file, and bodies past the cap. */
function mediaServer(png: Buffer): Server {
  return createServer((req, res) => {
    if (req.url === '/photo.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (req.url === '/notes.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    if (req.url === '/declared-500mb.png') {
      // announces 500 MB, sends a little and stalls: the declared length alone must fail it
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(500 * 1024 * 1024) });
      return void res.write(png);
    }
    if (req.url === '/streamed.png') {
      // no length: streams 64 KiB chunks until the client hangs up (bounded at 32 MiB)
      res.writeHead(200, { 'content-type': 'image/png' });
      let sent = 0;
      const pump = () => {
        while (sent < 32 * 1024 * 1024 && !res.destroyed) {
          sent += 65_536;
          if (!res.write(Buffer.alloc(65_536, 1))) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    res.writeHead(404).end();
  });
}

/** One test's own instance: its name, phone and key. */
interface Linked {
  name: string;
  me: string;
  key: string;
}

// Every test links an instance of its own, so one failure stays one failure.
d('media end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  const png = testPng(32, 32);
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let files: Server;
  let hook: Server;
  let filesUrl = '';
  let hookUrl = '';
  let instances = 0;

  const listen = async (server: Server) => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const linked = async (): Promise<Linked> => {
    instances++;
    const name = `media${instances}`;
    const me = `55119771000${String(instances).padStart(2, '0')}`;
    const { key } = await cluster.linkInstance(name, me, async () => {
      const set = await cluster.api('POST', `/webhook/${name}/set`, { url: hookUrl, events: ['message.received'] });
      expect(set.status).toBe(200);
    });
    return { name, me, key };
  };
  const send = async ({ name, key }: Linked, type: string, body: Record<string, unknown>) => {
    const res = await cluster.api('POST', `/message/${name}/${type}`, { to: ALICE, ...body }, key);
    expect(res.status).toBe(202);
    return String(res.body.data.id);
  };
  const settled = ({ name, key }: Linked, id: string) =>
    waitFor(
      `message ${id} settled`,
      async () => {
        const { body } = await cluster.api('GET', `/message/${name}/${id}`, undefined, key);
        return ['sent', 'delivered', 'read', 'failed'].includes(body.data.status) && body.data;
      },
      60_000,
      250,
    );
  const inboxEntry = (waId: string) =>
    waitFor(
      `message ${waId} in the contact's inbox`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${ALICE}/inbox`)) as InboxEntry[]).find((m) => m.id === waId),
      30_000,
      250,
    );

  beforeAll(async () => {
    await cluster.start();
    files = mediaServer(png);
    filesUrl = await listen(files);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        events.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    hookUrl = `${await listen(hook)}/hook`;
    await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker', { MEDIA_MAX_BYTES: String(CAP) }),
      cluster.startRole('sender-worker', { MEDIA_MAX_BYTES: String(CAP) }),
    ]);
    await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
  }, 180_000);
  afterAll(async () => {
    files?.closeAllConnections();
    files?.close();
    hook?.closeAllConnections();
    hook?.close();
    await cluster.stop();
  }, 120_000);

  test('an image by URL and one by base64 arrive at the contact and decrypt to the same bytes', async () => {
    const instance = await linked();
    const other = testPng(20, 20);
    const sends = [
      { body: { media_url: `${filesUrl}/photo.png`, caption: 'by url', mimetype: 'image/png' }, bytes: png },
      { body: { base64: other.toString('base64'), mimetype: 'image/png' }, bytes: other },
    ];
    const ids = [];
    for (const { body } of sends) ids.push(await send(instance, 'media', body));
    const entries = [];
    for (const [i, id] of ids.entries()) {
      const message = await settled(instance, id);
      expect(message.status).not.toBe('failed');
      const entry = await inboxEntry(message.wa_message_id);
      const { bytes, body } = sends[i]!;
      expect(entry).toMatchObject({ type: 'image', ...('caption' in body ? { text: body.caption } : {}) });
      expect(entry.media).toMatchObject({ size: bytes.length, sha256: sha(bytes) });
      entries.push(entry);
    }
    expect(entries.map((e) => e.media?.mimetype)).toEqual(['image/png', 'image/png']);
  }, 120_000);

  test('an image by URL without a mimetype is labelled with the type its server announced', async () => {
    const instance = await linked();
    const message = await settled(instance, await send(instance, 'media', { media_url: `${filesUrl}/photo.png` }));
    expect(message.status).not.toBe('failed');
    const entry = await inboxEntry(message.wa_message_id);
    expect(entry).toMatchObject({
      type: 'image',
      media: { size: png.length, sha256: sha(png), mimetype: 'image/png' },
    });
  }, 120_000);

  test('a non-image content type and media past the size cap fail with machine-readable reasons', async () => {
    const cases = [
      [`${filesUrl}/notes.txt`, 'media_type_not_allowed'],
      [`${filesUrl}/declared-500mb.png`, 'media_too_large'],
      [`${filesUrl}/streamed.png`, 'media_too_large'],
    ] as const;
    const instance = await linked();
    const ids = await Promise.all(cases.map(([url]) => send(instance, 'media', { media_url: url })));
    for (const [i, id] of ids.entries()) {
      const message = await settled(instance, id);
      expect({ status: message.status, error: message.error }).toEqual({ status: 'failed', error: cases[i]![1] });
      expect(message.history.at(-1)).toMatchObject({ status: 'failed', reason: cases[i]![1] });
    }
  }, 120_000);

  test('an image from a contact is stored and announced with a URL that downloads the same bytes', async () => {
    const { name, me, key } = await linked();
    const image = testPng(28, 28);
    const sent = await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, {
      to: me,
      media: { type: 'image', base64: image.toString('base64'), mimetype: 'image/png', caption: 'from alice' },
    });
    const event = await waitFor(
      'message.received for the image',
      async () => events.find((e) => e.event === 'message.received' && e.data.wa_message_id === sent.id),
      30_000,
      250,
    );
    expect(event.data).toMatchObject({ type: 'image', content: { caption: 'from alice', mimetype: 'image/png' } });
    expect(event.data.media_key).toEqual(expect.stringMatching(/^media\//));
    const download = await fetch(String(event.data.media_url));
    expect(download.status).toBe(200);
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(image));
    const history = await cluster.api('GET', `/message/${name}?remote=${ALICE}`, undefined, key);
    const stored = (history.body.data as { id: string; wa_message_id: string; media_key: string; type: string }[]).find(
      (m) => m.wa_message_id === sent.id,
    );
    expect(stored).toMatchObject({ type: 'image', media_key: event.data.media_key });
    // The same bytes from the API with the instance's key, whatever became of the presigned link.
    const streamed = await fetch(`${cluster.apiUrl}/message/${name}/${stored!.id}/media`, {
      headers: { 'X-API-Key': key },
    });
    expect([streamed.status, streamed.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(sha(Buffer.from(await streamed.arrayBuffer()))).toBe(sha(image));
  }, 60_000);

  test('a contact that declares a small size and sends more than MEDIA_MAX_BYTES: the download stops at the cap', async () => {
    const { me } = await linked();
    const big = randomBytes(4 * CAP);
    const sent = await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, {
      to: me,
      media: { type: 'document', base64: big.toString('base64'), mimetype: 'application/pdf', declared_size: 1_000 },
    });
    const event = await waitFor(
      'message.received for the oversized document',
      async () => events.find((e) => e.event === 'message.received' && e.data.wa_message_id === sent.id),
      30_000,
      250,
    );
    expect(event.data).toMatchObject({ type: 'document', content: { media_error: 'media_too_large' } });
    expect(event.data.media_key ?? null).toBeNull();
  }, 60_000);

  test('a contact whose media URL names another host: nothing is fetched from it', async () => {
    const { me } = await linked();
    let connections = 0;
    const trap = createServer((_req, res) => res.end());
    trap.on('connection', () => {
      connections++;
    });
    const trapUrl = await listen(trap);
    try {
      const sent = await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, {
        to: me,
        media: {
          type: 'image',
          base64: testPng(8, 8).toString('base64'),
          mimetype: 'image/png',
          url_host: new URL(trapUrl).host,
        },
      });
      const event = await waitFor(
        'message.received for the image from elsewhere',
        async () => events.find((e) => e.event === 'message.received' && e.data.wa_message_id === sent.id),
        30_000,
        250,
      );
      expect(event.data).toMatchObject({ type: 'image', content: { media_error: 'media_host_not_allowed' } });
      expect(connections).toBe(0);
    } finally {
      trap.closeAllConnections();
      trap.close();
    }
  }, 60_000);

  // Last: it restarts the sender-worker with the guard on.
  test('a loopback media_url is refused when private targets are not allowed', async () => {
    const instance = await linked();
    for (const role of cluster.roles.filter((r) => r.role === 'sender-worker')) role.kill('SIGTERM');
    await Promise.all(cluster.roles.filter((r) => r.role === 'sender-worker').map((r) => r.exited));
    await cluster.startRole('sender-worker', { MEDIA_MAX_BYTES: String(CAP), ALLOW_PRIVATE_NETWORK_TARGETS: 'false' });
    const id = await send(instance, 'media', { media_url: `${filesUrl}/photo.png` });
    const message = await settled(instance, id);
    expect({ status: message.status, error: message.error }).toEqual({ status: 'failed', error: 'invalid_target' });
  }, 120_000);
});
