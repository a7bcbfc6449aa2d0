import { hkdfSync } from 'node:crypto';

/**
 * What a derived key is for: the HKDF `info`, so each purpose gets its own key from the one
 * configured secret and a key leaked from one purpose gives neither the secret nor another
 * purpose's key. Changing an info string changes the key (bump its version on purpose).
 */
export const keyPurposes = {
  /** HMAC-SHA256 of the embedded blob store's presigned `/media/…` links. */
  mediaLink: 'turbozap media-link v1',
} as const;
export type KeyPurpose = keyof typeof keyPurposes;

/** A 32-byte key for `purpose`: HKDF-SHA256 of `secret`, no salt, `keyPurposes[purpose]` as info. */
export function deriveKey(secret: Buffer, purpose: KeyPurpose): Buffer {
  if (secret.length < 16) throw new RangeError('the secret to derive keys from must be at least 16 bytes');
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), keyPurposes[purpose], 32));
}
