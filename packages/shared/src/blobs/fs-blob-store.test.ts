import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { blobStoreContract, ODD_KEYS, readAll } from './blob-store.contract.ts';
import { FsBlobStore, keyFromMediaPath, mediaPath, verifyPresigned } from './fs-blob-store.ts';

const SECRET = 'test-secret-0123456789abcdef';
const BASE = 'https://api.example.test';

/** What the API's `/media/*` route does: decode the key, verify, then stream from the store. */
async function serveMedia(store: FsBlobStore, url: string, secret = SECRET): Promise<Buffer | null> {
  const parsed = new URL(url);
  if (parsed.origin !== BASE) return null;
  const key = keyFromMediaPath(parsed.pathname);
  if (key === null) return null;
  const expires = parsed.searchParams.get('expires') ?? '';
  const signature = parsed.searchParams.get('signature') ?? '';
  if (!verifyPresigned(key, expires, signature, secret, Date.now())) return null;
  const blob = await store.get(key);
  return blob ? await readAll(blob.body) : null;
}

async function tempRoot(): Promise<string> {
  return await mkdtemp(join(tmpdir(), 'tz-fsblobs-'));
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

blobStoreContract('FsBlobStore', async () => {
  const root = await tempRoot();
  const store = await FsBlobStore.open({ root, publicBaseUrl: BASE, secret: SECRET });
  return {
    store,
    download: (url) => serveMedia(store, url),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FsBlobStore specifics', () => {
  let root: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    root = await tempRoot();
    store = await FsBlobStore.open({ root: join(root, 'blobs'), publicBaseUrl: `${BASE}/`, secret: SECRET });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('presigned URL shape: <publicBaseUrl>/media/<encoded key>?expires=…&signature=…', async () => {
    const url = new URL(await store.presignedGetUrl('inst 1/a+b.jpg', 60));
    expect(url.origin + url.pathname).toBe(`${BASE}/media/inst%201/a%2Bb.jpg`);
    const expires = Number(url.searchParams.get('expires'));
    expect(expires).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 59);
    expect(expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 61);
    expect(url.searchParams.get('signature')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('verifyPresigned accepts the signed values and rejects any change, expiry, or a wrong secret', async () => {
    const now = 1_800_000_000_000;
    const clocked = new FsBlobStore({ root, publicBaseUrl: BASE, secret: SECRET, now: () => now });
    const url = new URL(await clocked.presignedGetUrl('k/ey.jpg', 60));
    const key = keyFromMediaPath(url.pathname)!;
    const expires = url.searchParams.get('expires')!;
    const signature = url.searchParams.get('signature')!;
    expect(key).toBe('k/ey.jpg');
    expect(expires).toBe(String(now / 1000 + 60));
    expect(verifyPresigned(key, expires, signature, SECRET, now)).toBe(true);
    expect(verifyPresigned(key, Number(expires), signature, Buffer.from(SECRET), now + 60_000)).toBe(true);
    expect(clocked.verify(key, expires, signature)).toBe(true);

    expect(verifyPresigned(key, expires, signature, SECRET, now + 60_001)).toBe(false); // expired
    expect(verifyPresigned('k/ey.png', expires, signature, SECRET, now)).toBe(false); // other key
    expect(verifyPresigned(key, String(Number(expires) + 3600), signature, SECRET, now)).toBe(false); // extended
    expect(verifyPresigned(key, expires, signature, 'another-secret-0123456789', now)).toBe(false);
    const flipped = `${signature.startsWith('a') ? 'b' : 'a'}${signature.slice(1)}`;
    expect(verifyPresigned(key, expires, flipped, SECRET, now)).toBe(false);
    for (const bad of ['', 'abc', `${signature}=`, `${signature}A`, signature.toUpperCase()]) {
      expect(verifyPresigned(key, expires, bad, SECRET, now)).toBe(false);
    }
    for (const badExpires of ['', ' 1', '1e12', '-1', `${expires}.0`, 'NaN']) {
      expect(verifyPresigned(key, badExpires, signature, SECRET, now)).toBe(false);
    }
    expect(verifyPresigned('../etc/passwd', expires, signature, SECRET, now)).toBe(false);
  });

  test('mediaPath and keyFromMediaPath are inverse; junk paths give null', () => {
    for (const key of ODD_KEYS) expect(keyFromMediaPath(mediaPath(key))).toBe(key);
    expect(keyFromMediaPath('/media/%E0%A4%A')).toBeNull(); // malformed escape
    expect(keyFromMediaPath('/media/a/%2E%2E/b')).toBeNull(); // encoded ..
    expect(keyFromMediaPath('/media/')).toBeNull();
    expect(keyFromMediaPath('/other/a')).toBeNull();
  });

  test('files stay under the root, with the content type in a sidecar', async () => {
    for (const key of ODD_KEYS) await store.put(key, Buffer.from(key), { contentType: 'text/plain' });
    const files = await walk(store.root);
    expect(files).toHaveLength(ODD_KEYS.length * 2);
    for (const file of files) {
      expect(relative(store.root, file).startsWith('..')).toBe(false);
      expect(file).toMatch(/~(blob|meta\.json)$/);
    }
    expect(await walk(root)).toHaveLength(files.length); // nothing outside the store root
    const meta = JSON.parse(
      await readFile(join(store.root, 'spaces%20in', 'the%20name%20%281%29.png~meta.json'), 'utf8'),
    );
    expect(meta).toEqual({ key: 'spaces in/the name (1).png', contentType: 'text/plain' });
  });

  test('a new store on the same root sees the blobs and their content types', async () => {
    await store.put('x/y.gif', Buffer.from('GIF89a'), { contentType: 'image/gif' });
    const again = new FsBlobStore({ root: store.root, publicBaseUrl: BASE, secret: SECRET });
    const blob = await again.get('x/y.gif');
    expect(blob?.contentType).toBe('image/gif');
    expect((await readAll(blob!.body)).toString()).toBe('GIF89a');
  });

  test('very long segments are shortened with a hash and still distinct', async () => {
    const a = `long/${'é'.repeat(300)}a`;
    const b = `long/${'é'.repeat(300)}b`;
    await store.put(a, Buffer.from('a'), { contentType: 'text/plain' });
    await store.put(b, Buffer.from('b'), { contentType: 'text/plain' });
    expect((await readAll((await store.get(a))!.body)).toString()).toBe('a');
    expect((await readAll((await store.get(b))!.body)).toString()).toBe('b');
  });

  test('a failing stream leaves no blob and no temp file behind', async () => {
    await store.put('media/keep', Buffer.from('old'), { contentType: 'text/plain' });
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('upload aborted'));
      },
    });
    await expect(store.put('media/keep', failing, { contentType: 'text/plain' })).rejects.toThrow('upload aborted');
    expect((await readAll((await store.get('media/keep'))!.body)).toString()).toBe('old');
    await expect(
      store.put(
        'media/new',
        Readable.from(
          (async function* () {
            yield Buffer.from('x');
            throw new Error('boom');
          })(),
        ),
        { contentType: 'text/plain' },
      ),
    ).rejects.toThrow('boom');
    expect(await store.get('media/new')).toBeNull();
    expect((await walk(store.root)).filter((f) => f.includes('~tmp-'))).toEqual([]);
  });

  test('a get keeps streaming the version it opened while a put replaces it', async () => {
    await store.put('race', Buffer.alloc(200_000, 1), { contentType: 'application/octet-stream' });
    const blob = await store.get('race');
    await store.put('race', Buffer.alloc(10, 2), { contentType: 'application/octet-stream' });
    const bytes = await readAll(blob!.body);
    expect(bytes.length).toBe(200_000);
    expect(bytes.every((b) => b === 1)).toBe(true);
  });

  test('rejects a short secret', () => {
    expect(() => new FsBlobStore({ root, publicBaseUrl: BASE, secret: 'short' })).toThrow(RangeError);
  });

  test('healthy creates a missing root, and is false when the root cannot be a directory', async () => {
    const direct = new FsBlobStore({ root: join(root, 'not-yet'), publicBaseUrl: BASE, secret: SECRET });
    expect(await direct.healthy()).toBe(true);
    await rm(store.root, { recursive: true, force: true });
    await writeFile(store.root, 'a file where the root should be');
    expect(await store.healthy()).toBe(false);
  });
});
