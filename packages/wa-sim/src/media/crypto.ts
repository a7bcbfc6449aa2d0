// WhatsApp media encryption, as clients do it: a random 32-byte media key expanded with HKDF
// (info "WhatsApp <Kind> Keys") into IV, AES-256-CBC key and HMAC-SHA256 key; the uploaded
// file is ciphertext ‖ first 10 bytes of HMAC(iv ‖ ciphertext).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hkdf, hkdfInfoKey, type MediaType } from '@whiskeysockets/baileys';

const MAC_LENGTH = 10;

export interface MediaKeys {
  iv: Buffer;
  cipherKey: Buffer;
  macKey: Buffer;
}

/** Baileys' own HKDF and info strings, so the simulator derives exactly what clients derive. */
export function mediaKeys(mediaKey: Uint8Array, type: MediaType): MediaKeys {
  const expanded = Buffer.from(hkdf(mediaKey, 112, { info: hkdfInfoKey(type) }));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** What is uploaded: ciphertext ‖ 10-byte MAC. */
  file: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
}

export function encryptMedia(plain: Buffer, type: MediaType): EncryptedMedia {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, type);
  const aes = createCipheriv('aes-256-cbc', cipherKey, iv);
  const ciphertext = Buffer.concat([aes.update(plain), aes.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, MAC_LENGTH);
  const file = Buffer.concat([ciphertext, mac]);
  return { mediaKey, file, fileSha256: sha256(plain), fileEncSha256: sha256(file) };
}

export type MediaFailure = 'mac_mismatch' | 'decrypt_failed';

/** Verifies the MAC and decrypts; a failure names what was wrong. */
export function decryptMedia(file: Buffer, mediaKey: Uint8Array, type: MediaType): Buffer | MediaFailure {
  if (file.length < MAC_LENGTH + 16) return 'decrypt_failed';
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, type);
  const ciphertext = file.subarray(0, file.length - MAC_LENGTH);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, MAC_LENGTH);
  if (!timingSafeEqual(mac, file.subarray(file.length - MAC_LENGTH))) return 'mac_mismatch';
  try {
    const aes = createDecipheriv('aes-256-cbc', cipherKey, iv);
    return Buffer.concat([aes.update(ciphertext), aes.final()]);
  } catch {
    return 'decrypt_failed';
  }
}
