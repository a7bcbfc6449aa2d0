import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstLink } from '@turbozap/shared/contracts/message-content';
import { silentLogger } from '@turbozap/shared/logging/logger';
import { createSafeAgent } from '@turbozap/shared/net';
import { LinkPreviewer } from './link-preview.ts';

const hits: string[] = [];
const pages: Record<string, [string, string | Buffer]> = {
  '/titled': [
    'text/html',
    '<html><head><title> Just a title </title><meta name="description" content="d"></head></html>',
  ],
  '/broken-image': [
    'text/html',
    '<meta property="og:title" content="T"><meta property="og:image" content="/missing.png">',
  ],
  '/untitled': ['text/html', '<html><body>nothing to say</body></html>'],
  '/image.png': ['image/png', Buffer.from('not looked at')],
};
let server: Server;
let base = '';
const agent = createSafeAgent({ allowPrivate: true });
const strictAgent = createSafeAgent({ allowPrivate: false });
const previewer = (allowPrivate: boolean) =>
  new LinkPreviewer({
    agent: allowPrivate ? agent : strictAgent,
    allowPrivate,
    maxBytes: 1 << 20,
    logger: silentLogger(),
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const page = pages[req.url ?? ''];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await Promise.all([agent.close(), strictAgent.close()]);
});
beforeEach(() => {
  hits.length = 0;
});

test("a text's first link, without the punctuation after it", () => {
  expect(firstLink('see https://a.example/x?y=1, and http://b.example')).toBe('https://a.example/x?y=1');
  expect(firstLink('(https://a.example/p).')).toBe('https://a.example/p');
  expect(firstLink('no link here, www.example.com')).toBeUndefined();
});

test('a page without Open Graph tags is previewed by its own title; an image that fails leaves the rest', async () => {
  expect(await previewer(true).of(`x ${base}/titled`)).toEqual({
    url: `${base}/titled`,
    title: 'Just a title',
    description: 'd',
  });
  expect(await previewer(true).of(`${base}/broken-image`)).toEqual({ url: `${base}/broken-image`, title: 'T' });
  expect(hits).toContain('/missing.png');
});

test('no preview for a page without a title, a link to something that is not a page, or a failing one', async () => {
  const p = previewer(true);
  expect(await p.of(`${base}/untitled`)).toBeUndefined();
  expect(await p.of(`${base}/image.png`)).toBeUndefined();
  expect(await p.of(`${base}/gone`)).toBeUndefined();
});

test('a private address is not fetched unless private targets are allowed', async () => {
  expect(await previewer(false).of(`${base}/titled`)).toBeUndefined();
  expect(hits).toEqual([]);
});
