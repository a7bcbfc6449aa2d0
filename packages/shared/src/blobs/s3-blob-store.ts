import { Readable } from 'node:stream';
import { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertBlobKey, assertBlobPrefix, assertExpiresIn, BlobTooLargeError } from './keys.ts';
import type { BlobMeta, BlobStore, StoredBlob } from './port.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  /** S3-compatible endpoint, e.g. `http://minio:9000`. Omit for AWS itself. */
  endpoint?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Static credentials; omit both (and `credentials`) to use the SDK's default chain (env, profile, role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Same as the two above, with a session token; wins over them. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`), needed by MinIO and most S3 look-alikes. Default true. */
  forcePathStyle?: boolean;
  /**
   * Endpoint the presigned URLs are made for, when clients reach S3 under another address
   * than this process (e.g. `http://localhost:9000` vs `http://minio:9000`). Default: `endpoint`.
   */
  publicEndpoint?: string;
  /**
   * Without `@aws-sdk/lib-storage` a stream is buffered in memory to send one PutObject of known
   * length; a stream longer than this rejects with BlobTooLargeError. Default 64 MiB. Buffers
   * passed to `put` are not limited.
   */
  maxBufferedBytes?: number;
  /** Create the bucket when it does not exist: in `open()`, or before the first `put`. Default true. */
  createBucket?: boolean;
  /** TCP connect timeout (default 5000 ms). */
  connectionTimeoutMs?: number;
  /** A socket idle this long mid-request fails the request (default 30000 ms). */
  socketTimeoutMs?: number;
  /** How long `healthy()` waits for HeadBucket (default 3000 ms). */
  healthTimeoutMs?: number;
  /** Anything else for the S3Client (merged last). */
  clientConfig?: S3ClientConfig;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(error: unknown, ...names: string[]): boolean {
  const e = error as S3ErrorShape | undefined;
  return e?.$metadata?.httpStatusCode === 404 || names.includes(e?.name ?? '') || names.includes(e?.Code ?? '');
}

async function collect(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
    total += buffer.length;
    if (total > limit) {
      body.destroy();
      throw new BlobTooLargeError(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Media on S3 / MinIO. A missing bucket is created by `S3BlobStore.open()`, or (when constructed
 * directly) before the first `put`; `createBucket: false` turns that off.
 */
export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly client: S3Client;
  readonly #presigner: S3Client;
  readonly #maxBufferedBytes: number;
  readonly #healthTimeoutMs: number;
  readonly #createBucket: boolean;
  #bucketReady: Promise<void> | undefined;

  static async open(options: S3BlobStoreOptions): Promise<S3BlobStore> {
    const store = new S3BlobStore(options);
    try {
      if (store.#createBucket) await store.#bucketExists();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 3000;
    this.#createBucket = options.createBucket ?? true;
    const credentials =
      options.credentials ??
      (options.accessKeyId !== undefined && options.secretAccessKey !== undefined
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined);
    const config = (endpoint: string | undefined): S3ClientConfig => ({
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? true,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(credentials === undefined ? {} : { credentials }),
      // Newer SDKs add CRC32 checksums by default, which S3 look-alikes (s3rver, older MinIO)
      // do not all understand; only send them where S3 requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 5000,
        socketTimeout: options.socketTimeoutMs ?? 30_000,
      },
      ...options.clientConfig,
    });
    this.client = new S3Client(config(options.endpoint));
    this.#presigner = options.publicEndpoint === undefined ? this.client : new S3Client(config(options.publicEndpoint));
  }

  /** `ensureBucket()` once per store (again after a failure). */
  #bucketExists(): Promise<void> {
    this.#bucketReady ??= this.ensureBucket().catch((error: unknown) => {
      this.#bucketReady = undefined;
      throw error;
    });
    return this.#bucketReady;
  }

  /** HeadBucket, and CreateBucket when it answers 404 (tolerating a concurrent creator). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error, 'NotFound', 'NoSuchBucket')) throw error;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const name = (error as S3ErrorShape).name ?? (error as S3ErrorShape).Code;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
  }

  async put(key: string, body: Readable | Buffer, meta: { contentType: string }): Promise<BlobMeta> {
    assertBlobKey(key);
    const contentType = meta.contentType || DEFAULT_CONTENT_TYPE;
    const bytes = Buffer.isBuffer(body) ? body : await collect(body, this.#maxBufferedBytes);
    if (this.#createBucket) await this.#bucketExists();
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: contentType,
      }),
    );
    return { contentType, size: bytes.length };
  }

  async get(key: string): Promise<StoredBlob | null> {
    assertBlobKey(key);
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error, 'NoSuchKey', 'NotFound')) return null;
      throw error;
    }
    // In Node the SDK hands back the http.IncomingMessage (a Readable); be lenient anyway.
    const raw: unknown = response.Body;
    let body: Readable;
    if (raw instanceof Readable) body = raw;
    else if (raw instanceof WebReadableStream) body = Readable.fromWeb(raw);
    else throw new Error(`S3 GetObject returned no readable body for ${key}`);
    return {
      contentType: response.ContentType || DEFAULT_CONTENT_TYPE,
      size: response.ContentLength ?? 0,
      body,
    };
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    // S3 answers 204 whether or not the object existed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Lists the prefix a page (up to 1000 keys) at a time and deletes each page in one DeleteObjects,
   * listing from the start again each time (the page just deleted is gone), so no continuation
   * state is needed. ListObjects (v1): s3rver cannot make ListObjectsV2 continuation tokens on
   * OpenSSL 3, and every S3 look-alike answers v1.
   */
  async deletePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix);
    for (;;) {
      let page: ListObjectsCommandOutput;
      try {
        page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix }));
      } catch (error) {
        if (isNotFound(error, 'NoSuchBucket')) return;
        throw error;
      }
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (keys.length === 0) return;
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`S3 refused to delete ${failed.length} blobs under ${prefix}: ${failed[0]?.Code ?? '?'}`);
      }
    }
  }

  async presignedGetUrl(key: string, expiresInSeconds: number): Promise<string> {
    assertBlobKey(key);
    return await getSignedUrl(this.#presigner, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: assertExpiresIn(expiresInSeconds),
    });
  }

  async healthy(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(this.#healthTimeoutMs),
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    if (this.#presigner !== this.client) this.#presigner.destroy();
  }
}
