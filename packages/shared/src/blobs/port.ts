import type { Readable } from 'node:stream';

export interface BlobMeta {
  contentType: string;
  size: number;
}

export interface StoredBlob extends BlobMeta {
  body: Readable;
}

/** Media storage: S3/MinIO in production, the local filesystem in embedded mode. */
export interface BlobStore {
  put(key: string, body: Readable | Buffer, meta: { contentType: string }): Promise<BlobMeta>;
  /** null when there is no such blob. */
  get(key: string): Promise<StoredBlob | null>;
  delete(key: string): Promise<void>;
  /**
   * Deletes every blob whose key starts with `prefix` (whole segments ending in `/`, see
   * `assertBlobPrefix`); nothing there is fine. Blobs put meanwhile may survive.
   */
  deletePrefix(prefix: string): Promise<void>;
  /** A URL anyone holding it can GET until it expires. */
  presignedGetUrl(key: string, expiresInSeconds: number): Promise<string>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
