import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sleep } from '../util/sleep.ts';
import { InvalidBlobKeyError } from './keys.ts';
import type { BlobStore } from './port.ts';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Fetches a presigned URL as an outsider would: the bytes, or null when refused or missing. */
  download(url: string): Promise<Buffer | null>;
  /** Runs after the test (the contract closes nothing itself). */
  cleanup?(): Promise<void>;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every byte value, then random bytes: catches any text decoding on the way. */
const binary = (size: number): Buffer =>
  Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(size)]);

/** Keys every adapter must store faithfully. */
export const ODD_KEYS = [
  'plain.txt',
  'instance-1/2026/11/ABCDEF0123.jpeg',
  'spaces in/the name (1).png',
  'ünïcødé/日本語/emoji-😀.webp',
  'reserved/?#&=+%20%2F;:@$,!*\'()[]{}|^`"<>.bin',
  'tilde~/~blob/x~meta.json',
  '.hidden/..dots.../.x',
  'back\\slash',
  'a',
  'a/b',
  `deep/${'d/'.repeat(20)}leaf`,
  `long/${'x'.repeat(180)}`,
];

export const INVALID_KEYS = [
  '',
  '/absolute',
  'a/../b',
  '..',
  '.',
  'a//b',
  'trailing/',
  'a/./b',
  'nul\u0000byte',
  'line\nbreak',
];

export function blobStoreContract(
  name: string,
  newFixture: () => BlobStoreFixture | Promise<BlobStoreFixture>,
  describeImpl: jest.Describe = describe,
): void {
  describeImpl(`${name} (BlobStore contract)`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await newFixture();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup?.();
    });

    test('put a buffer, get it back byte for byte with its content type and size', async () => {
      const bytes = binary(100_000);
      expect(await store.put('media/photo.jpg', bytes, { contentType: 'image/jpeg' })).toEqual({
        contentType: 'image/jpeg',
        size: bytes.length,
      });
      const blob = await store.get('media/photo.jpg');
      expect(blob).not.toBeNull();
      expect(blob?.contentType).toBe('image/jpeg');
      expect(blob?.size).toBe(bytes.length);
      expect((await readAll(blob!.body)).equals(bytes)).toBe(true);
    });

    test('put a stream of uneven chunks, get it back byte for byte', async () => {
      const chunks = [binary(10), randomBytes(1), randomBytes(700_000), randomBytes(65_537), randomBytes(3)];
      const expected = Buffer.concat(chunks);
      const meta = await store.put('media/voice.ogg', Readable.from(chunks), { contentType: 'audio/ogg; codecs=opus' });
      expect(meta).toEqual({ contentType: 'audio/ogg; codecs=opus', size: expected.length });
      const blob = await store.get('media/voice.ogg');
      expect(blob?.contentType).toBe('audio/ogg; codecs=opus');
      expect(blob?.size).toBe(expected.length);
      expect((await readAll(blob!.body)).equals(expected)).toBe(true);
    });

    test('an empty blob is a blob', async () => {
      expect(await store.put('empty', Buffer.alloc(0), { contentType: 'text/plain' })).toEqual({
        contentType: 'text/plain',
        size: 0,
      });
      const blob = await store.get('empty');
      expect(blob?.size).toBe(0);
      expect(await readAll(blob!.body)).toHaveLength(0);
    });

    test('a second put replaces the content and the content type', async () => {
      await store.put('doc', Buffer.from('first version, longer'), { contentType: 'text/plain' });
      await store.put('doc', Readable.from([Buffer.from('second')]), { contentType: 'application/pdf' });
      const blob = await store.get('doc');
      expect(blob?.contentType).toBe('application/pdf');
      expect(blob?.size).toBe(6);
      expect((await readAll(blob!.body)).toString()).toBe('second');
    });

    test('missing → null; delete removes; deleting a missing blob is fine', async () => {
      expect(await store.get('nothing/here')).toBeNull();
      await store.put('gone', Buffer.from('x'), { contentType: 'text/plain' });
      await store.delete('gone');
      expect(await store.get('gone')).toBeNull();
      await store.delete('gone');
      await store.delete('never/existed');
    });

    test('keys with odd characters round-trip, each to its own blob', async () => {
      for (const [i, key] of ODD_KEYS.entries()) {
        await store.put(key, Buffer.from(`blob ${i}: ${key}`), { contentType: `text/x-${i}` });
      }
      for (const [i, key] of ODD_KEYS.entries()) {
        const blob = await store.get(key);
        expect({ key, type: blob?.contentType }).toEqual({ key, type: `text/x-${i}` });
        expect((await readAll(blob!.body)).toString()).toBe(`blob ${i}: ${key}`);
      }
      await store.delete('a');
      expect(await store.get('a')).toBeNull();
      expect((await readAll((await store.get('a/b'))!.body)).toString()).toBe(`blob ${ODD_KEYS.indexOf('a/b')}: a/b`);
    });

    test('deletePrefix removes every blob under the prefix and nothing beside it', async () => {
      const gone = ['inst-1/a.jpg', 'inst-1/sub/dir/b.ogg', 'inst-1/spaces in/ü (1).png'];
      const kept = ['inst-1', 'inst-10/c.jpg', 'inst-1x/d', 'other/inst-1/e', 'inst-2/f'];
      for (const key of [...gone, ...kept]) await store.put(key, Buffer.from(key), { contentType: 'text/plain' });
      await store.deletePrefix('inst-1/');
      for (const key of gone) expect({ key, blob: await store.get(key) }).toEqual({ key, blob: null });
      for (const key of kept) {
        expect({ key, body: (await readAll((await store.get(key))!.body)).toString() }).toEqual({ key, body: key });
      }
      await store.deletePrefix('inst-1/'); // again: nothing there is fine
      await store.deletePrefix('never/there/');
      await store.deletePrefix('spaces in/');
      await store.put('inst-1/again', Buffer.from('new'), { contentType: 'text/plain' });
      expect((await store.get('inst-1/again'))?.size).toBe(3);
    });

    test('deletePrefix refuses what is not whole segments ending in /', async () => {
      await store.put('inst-1/a', Buffer.from('x'), { contentType: 'text/plain' });
      for (const prefix of ['', '/', 'inst-1', 'inst', '/inst-1/', 'inst-1//', '../', 'a/../', './', 'nul\u0000/']) {
        await expect(store.deletePrefix(prefix)).rejects.toThrow(InvalidBlobKeyError);
      }
      expect((await store.get('inst-1/a'))?.size).toBe(1);
    });

    test('invalid keys are rejected by every operation', async () => {
      for (const key of INVALID_KEYS) {
        await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
          InvalidBlobKeyError,
        );
        await expect(store.get(key)).rejects.toThrow(InvalidBlobKeyError);
        await expect(store.delete(key)).rejects.toThrow(InvalidBlobKeyError);
        await expect(store.presignedGetUrl(key, 60)).rejects.toThrow(InvalidBlobKeyError);
      }
      await expect(store.presignedGetUrl('ok', 0)).rejects.toThrow(RangeError);
      await expect(store.presignedGetUrl('ok', 604_801)).rejects.toThrow(RangeError);
    });

    test('a presigned URL downloads the exact bytes, also for odd keys', async () => {
      const bytes = binary(50_000);
      for (const key of [
        'media/photo.jpg',
        'spaces in/the name (1).png',
        'reserved/?#&=+%20%2F;:@$,!*\'()[]{}|^`"<>.bin',
      ]) {
        await store.put(key, bytes, { contentType: 'image/png' });
        const url = await store.presignedGetUrl(key, 300);
        expect(url).toMatch(/^https?:\/\//);
        const downloaded = await fixture.download(url);
        expect({ key, ok: downloaded?.equals(bytes) }).toEqual({ key, ok: true });
      }
      expect(await fixture.download(await store.presignedGetUrl('not/stored', 300))).toBeNull();
    });

    test('a tampered presigned URL is refused', async () => {
      await store.put('secret/a.jpg', Buffer.from('a'), { contentType: 'image/jpeg' });
      await store.put('secret/b.jpg', Buffer.from('b'), { contentType: 'image/jpeg' });
      const url = new URL(await store.presignedGetUrl('secret/a.jpg', 300));
      const signatureParam = url.searchParams.has('signature') ? 'signature' : 'X-Amz-Signature';
      const signature = url.searchParams.get(signatureParam)!;
      const flipped = new URL(url);
      // Change the first character: valid hex and base64url either way, and never a padding bit.
      flipped.searchParams.set(signatureParam, `${signature.startsWith('a') ? 'b' : 'a'}${signature.slice(1)}`);
      expect(await fixture.download(flipped.href)).toBeNull();
      const otherKey = new URL(url);
      otherKey.pathname = url.pathname.replace(/a\.jpg$/, 'b.jpg');
      expect(await fixture.download(otherKey.href)).toBeNull();
      expect(await fixture.download(url.href)).toEqual(Buffer.from('a'));
    });

    test('an expired presigned URL is refused', async () => {
      await store.put('short-lived', Buffer.from('x'), { contentType: 'text/plain' });
      const url = await store.presignedGetUrl('short-lived', 1);
      await sleep(2100);
      expect(await fixture.download(url)).toBeNull();
    });

    test('healthy', async () => {
      expect(await store.healthy()).toBe(true);
    });
  });
}
