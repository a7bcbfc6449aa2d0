// A simulated phone opening received media the way WhatsApp clients do: download the encrypted
// file from the media host, check its hash and MAC, decrypt, check the plaintext hash.
import { normalizeMessageContent, type proto } from '@whiskeysockets/baileys';
import { decryptMedia, sha256 } from './crypto.ts';
import { MEDIA_FIELDS, type MediaField } from './kinds.ts';
import type { MediaStore } from './store.ts';

export type MediaError =
  | 'no_media_key'
  | 'not_found'
  | 'enc_hash_mismatch'
  | 'mac_mismatch'
  | 'decrypt_failed'
  | 'hash_mismatch';

/** What the inbox records about received media; `error` instead of the hashes when it did not open. */
export interface InboxMedia {
  mimetype?: string;
  fileName?: string;
  /** Decrypted size in bytes. */
  size?: number;
  /** Hex SHA-256 of the decrypted bytes (equal to the sender's file). */
  sha256?: string;
  error?: MediaError;
}

type Downloadable = proto.Message.IImageMessage & { fileName?: string | null };

function mediaOf(message: proto.IMessage): { field: MediaField; body: Downloadable } | undefined {
  const content = normalizeMessageContent(message);
  if (!content) return undefined;
  for (const field of Object.keys(MEDIA_FIELDS) as MediaField[]) {
    const body = content[field] as Downloadable | null | undefined;
    if (body) return { field, body };
  }
  return undefined;
}

function pathOf(body: Downloadable): string | undefined {
  if (body.directPath) return body.directPath;
  try {
    return body.url ? new URL(body.url).pathname : undefined;
  } catch {
    return undefined;
  }
}

const equal = (a: Uint8Array | null | undefined, b: Buffer): boolean => !!a && Buffer.from(a).equals(b);

/** Undefined for a message without downloadable media. */
export function inspectMedia(store: MediaStore, message: proto.IMessage): InboxMedia | undefined {
  const found = mediaOf(message);
  if (!found) return undefined;
  const { field, body } = found;
  const base: InboxMedia = {
    ...(body.mimetype ? { mimetype: body.mimetype } : {}),
    ...(body.fileName ? { fileName: body.fileName } : {}),
  };
  if (!body.mediaKey?.length) return { ...base, error: 'no_media_key' };
  const path = pathOf(body);
  const stored = path ? store.get(path) : undefined;
  if (!stored) return { ...base, error: 'not_found' };
  if (body.fileEncSha256?.length && !equal(body.fileEncSha256, sha256(stored.file)))
    return { ...base, error: 'enc_hash_mismatch' };
  const plain = decryptMedia(stored.file, body.mediaKey, MEDIA_FIELDS[field]);
  if (typeof plain === 'string') return { ...base, error: plain };
  const digest = sha256(plain);
  if (body.fileSha256?.length && !equal(body.fileSha256, digest)) return { ...base, error: 'hash_mismatch' };
  return { ...base, size: plain.length, sha256: digest.toString('hex') };
}
