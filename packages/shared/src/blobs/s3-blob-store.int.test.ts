import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { blobStoreContract, readAll } from './blob-store.contract.ts';
import { BlobTooLargeError } from './keys.ts';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';

/**
 * A real S3-protocol server: s3rver (npm) on 127.0.0.1, a random port and a temp directory.
 * Its credentials are fixed (S3RVER/S3RVER). It checks the access key and the expiry of presigned
 * URLs, but NOT SigV4 signatures (unimplemented in s3rver 3.7.1), so `download` below checks the
 * signature itself, exactly as S3 would, before fetching.
 */
const SECRET_KEY = 'S3RVER';
let server: S3rver;
let directory: string;
let endpoint: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tz-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

/** S3 bucket names: 3-63 characters of [a-z0-9-]. */
const bucketName = () => `tz-${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

const options = (overrides: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions => ({
  bucket: bucketName(),
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  accessKeyId: 'S3RVER',
  secretAccessKey: SECRET_KEY,
  ...overrides,
});

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Verifies a SigV4 presigned GET (query authentication, signed header `host`) like S3 does. */
function sigV4Valid(href: string, secretKey: string): boolean {
  const url = new URL(href);
  const q = url.searchParams;
  const signature = q.get('X-Amz-Signature');
  const credential = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date');
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !signature || !credential || !amzDate) return false;
  if (q.get('X-Amz-SignedHeaders') !== 'host') return false;
  const [, date, region, service, terminator] = credential.split('/');
  if (!date || !region || !service || terminator !== 'aws4_request') return false;
  const query = [...q.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = ['GET', url.pathname, query, `host:${url.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date), region), service), 'aws4_request');
  return hmac(signingKey, stringToSign).toString('hex') === signature;
}

async function download(url: string): Promise<Buffer | null> {
  if (!sigV4Valid(url, SECRET_KEY)) return null;
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  return Buffer.from(await response.arrayBuffer());
}

blobStoreContract('S3BlobStore (s3rver)', async () => {
  const store = await S3BlobStore.open(options());
  return { store, download, cleanup: () => store.close() };
});

describe('S3BlobStore specifics (s3rver)', () => {
  test('the SigV4 check of the test harness rejects a URL signed with another secret', async () => {
    const store = await S3BlobStore.open(options());
    await store.put('k', Buffer.from('v'), { contentType: 'text/plain' });
    const url = await store.presignedGetUrl('k', 60);
    expect(sigV4Valid(url, SECRET_KEY)).toBe(true);
    expect(sigV4Valid(url, 'another-secret')).toBe(false);
    expect(await download(url)).toEqual(Buffer.from('v'));
    await store.close();
  });

  test('open() creates a missing bucket and accepts an existing one', async () => {
    const config = options();
    const first = await S3BlobStore.open(config);
    await first.put('x', Buffer.from('1'), { contentType: 'text/plain' });
    const second = await S3BlobStore.open(config);
    expect((await readAll((await second.get('x'))!.body)).toString()).toBe('1');
    await Promise.all([first.close(), second.close()]);
  });

  test('constructed directly, the store creates its bucket before the first put', async () => {
    const store = new S3BlobStore(options({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: SECRET_KEY } }));
    expect(await store.healthy()).toBe(false);
    expect(await store.get('x')).toBeNull();
    await Promise.all([1, 2, 3].map((i) => store.put(`x${i}`, Buffer.from('1'), { contentType: 'text/plain' })));
    expect(await store.healthy()).toBe(true);
    expect((await store.get('x1'))?.size).toBe(1);
    await store.close();
  });

  test('without createBucket, a missing bucket is not created and the store is unhealthy', async () => {
    const store = await S3BlobStore.open(options({ createBucket: false }));
    expect(await store.healthy()).toBe(false);
    await expect(store.put('x', Buffer.from('1'), { contentType: 'text/plain' })).rejects.toThrow();
    await store.close();
  });

  test('a stream longer than maxBufferedBytes is refused and nothing is stored', async () => {
    const store = await S3BlobStore.open(options({ maxBufferedBytes: 1000 }));
    const tooBig = Readable.from([randomBytes(600), randomBytes(600)]);
    await expect(store.put('big', tooBig, { contentType: 'video/mp4' })).rejects.toThrow(BlobTooLargeError);
    expect(tooBig.destroyed).toBe(true);
    expect(await store.get('big')).toBeNull();
    // Exactly the limit is fine; buffers are not limited.
    await store.put('fits', Readable.from([randomBytes(1000)]), { contentType: 'video/mp4' });
    expect((await store.get('fits'))?.size).toBe(1000);
    await store.put('buffer', randomBytes(5000), { contentType: 'video/mp4' });
    expect((await store.get('buffer'))?.size).toBe(5000);
    await store.close();
  });

  test('deletePrefix goes through every page of the listing (more than 1000 keys)', async () => {
    const store = await S3BlobStore.open(options());
    const keys = Array.from({ length: 1005 }, (_, i) => `inst/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys.slice(i, i + 100).map((k) => store.put(k, Buffer.from('x'), { contentType: 'text/plain' })),
      );
    }
    await store.put('kept', Buffer.from('k'), { contentType: 'text/plain' });
    await store.deletePrefix('inst/');
    expect(await store.get(keys[0]!)).toBeNull();
    expect(await store.get(keys[1004]!)).toBeNull();
    const { Contents } = await store.client.send(new ListObjectsCommand({ Bucket: store.bucket, Prefix: 'inst/' }));
    expect(Contents ?? []).toEqual([]);
    expect((await store.get('kept'))?.size).toBe(1);
    await store.close();
  }, 120_000); // 1,006 objects written, listed and deleted: a bound against a hang, not a speed

  test('presigned URLs can be made for a public endpoint', async () => {
    const store = await S3BlobStore.open(options({ publicEndpoint: endpoint.replace('127.0.0.1', 'localhost') }));
    await store.put('p.txt', Buffer.from('public'), { contentType: 'text/plain' });
    const url = await store.presignedGetUrl('p.txt', 60);
    expect(url.startsWith(endpoint.replace('127.0.0.1', 'localhost'))).toBe(true);
    expect(await download(url)).toEqual(Buffer.from('public'));
    await store.close();
  });

  test('healthy() turns false quickly when S3 is unreachable', async () => {
    const store = new S3BlobStore(options({ endpoint: 'http://127.0.0.1:1', healthTimeoutMs: 1000 }));
    const started = Date.now();
    expect(await store.healthy()).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    await store.close();
  });
});
