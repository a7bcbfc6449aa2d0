import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWith } from '@turbozap/shared/testing/services';
import { testPng } from '@turbozap/wa-sim/testing/png';
import { Cluster, type RoleProcess } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988600001';

interface InboxEntry {
  id: string;
  text?: string;
  linkPreview?: { matchedText?: string; title?: string; description?: string; thumbnailBytes?: number };
}

/** A site with a page worth previewing; every request is counted by path. */
function site(hits: string[]): Server {
  const page = (path: string) => `<!doctype html><html><head>
    <title>Fallback title</title>
    <meta property="og:title" content="Turbo &amp; Zap">
    <meta property="og:description" content="What ${path} is about">
    <meta property="og:image" content="/picture.png">
  </head><body>hello</body></html>`;
  return createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/picture.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(testPng(400, 300));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(req.url ?? ''));
  });
}

// Every test links an instance of its own, so one failure stays one failure.
d('link previews end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  const hits: string[] = [];
  let server: Server;
  let base = '';
  let sender: RoleProcess;
  let instances = 0;

  const linked = async () => {
    instances++;
    const name = `preview${instances}`;
    await cluster.linkInstance(name, `55119776000${String(instances).padStart(2, '0')}`);
    return name;
  };

  /** Sends a text through the API; resolves with the stored message and the contact's inbox entry. */
  const sent = async (name: string, body: Record<string, unknown>) => {
    const res = await cluster.api('POST', `/message/${name}/text`, { to: ALICE, ...body });
    expect(res.status).toBe(202);
    const message = await waitFor(
      `text ${res.body.data.id} sent`,
      async () => {
        const { body: m } = await cluster.api('GET', `/message/${name}/${res.body.data.id}`);
        if (m.data.status === 'failed') throw new Error(`failed: ${m.data.error}`);
        return ['sent', 'delivered', 'read'].includes(m.data.status) && m.data;
      },
      60_000,
      250,
    );
    const entry: InboxEntry = await waitFor(
      `text ${message.wa_message_id} in the contact's inbox`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${ALICE}/inbox`)) as InboxEntry[]).find(
          (m) => m.id === message.wa_message_id,
        ),
      30_000,
      250,
    );
    return { message, entry };
  };

  beforeAll(async () => {
    await cluster.start();
    server = site(hits);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The cluster allows private targets (ALLOW_PRIVATE_NETWORK_TARGETS=true): the site is on loopback.
    [, , sender] = await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker'),
      cluster.startRole('sender-worker'),
    ]);
    await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
  }, 180_000);
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await cluster.stop();
  }, 60_000);

  test("a text's first link arrives with its title, description and a thumbnail TurboZap fetched", async () => {
    const name = await linked();
    const url = `${base}/article?id=1`;
    const { message, entry } = await sent(name, { text: `read this: ${url}. Thanks` });
    expect(entry.text).toBe(`read this: ${url}. Thanks`);
    expect(entry.linkPreview).toMatchObject({
      matchedText: url,
      title: 'Turbo & Zap',
      description: 'What /article?id=1 is about',
    });
    expect(entry.linkPreview?.thumbnailBytes).toBeGreaterThan(0);
    expect(hits).toEqual(expect.arrayContaining(['/article?id=1', '/picture.png']));
    expect(message.content.preview).toMatchObject({ url, title: 'Turbo & Zap' });
  }, 120_000);

  test('link_preview: false sends the text without a preview and fetches nothing', async () => {
    const name = await linked();
    const { entry } = await sent(name, { text: `no preview: ${base}/quiet`, link_preview: false });
    expect(entry.linkPreview).toBeUndefined();
    expect(hits).not.toContain('/quiet');
  }, 120_000);

  test('without ALLOW_PRIVATE_NETWORK_TARGETS a loopback link is never fetched; the text still goes', async () => {
    sender.kill('SIGTERM');
    await sender.exited;
    await cluster.startRole('sender-worker', { ALLOW_PRIVATE_NETWORK_TARGETS: 'false' });
    const name = await linked();
    const { message, entry } = await sent(name, { text: `private: ${base}/private` });
    expect(entry.text).toBe(`private: ${base}/private`);
    expect(entry.linkPreview).toBeUndefined();
    expect(message.content.preview).toBeUndefined();
    // It was looked at (the text went through preparing for its preview) and refused by the guard.
    expect(message.history.map((h: { status: string }) => h.status)).toContain('preparing');
    expect(hits).not.toContain('/private');
  }, 120_000);
});
