export { FsBlobStore, type FsBlobStoreOptions, keyFromMediaPath, mediaPath, verifyPresigned } from './fs-blob-store.ts';
export {
  assertBlobKey,
  assertBlobPrefix,
  BlobTooLargeError,
  InvalidBlobKeyError,
  instanceMediaPrefix,
  MAX_KEY_BYTES,
} from './keys.ts';
export type { BlobMeta, BlobStore, StoredBlob } from './port.ts';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';
