import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SessionKey } from '../config/keyring.ts';

/** What is stored: the ciphertext and, beside it, the id of the keyring entry that sealed it. */
export interface Sealed {
  keyId: string;
  ciphertext: Buffer;
}

/** Wrong key, tampered bytes, a row copied to another context, or a key no longer in the keyring. */
export class DecryptionError extends Error {
  readonly keyId: string;
  constructor(keyId: string, message: string) {
    super(message);
    this.name = 'DecryptionError';
    this.keyId = keyId;
  }
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/**
 * AES-256-GCM under a keyring (newest key first). Layout: version(1) | iv(12) | tag(16) | data.
 * `context` is authenticated but not stored: it binds a ciphertext to where it belongs (e.g. the
 * instance and key name), so a row copied to another place does not decrypt.
 */
export class KeyringCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #newest: SessionKey;

  constructor(keyring: readonly SessionKey[]) {
    const [newest] = keyring;
    if (!newest) throw new Error('the session keyring is empty: no key to encrypt with');
    for (const k of keyring) if (k.key.length !== 32) throw new Error(`session key ${k.id} is not 32 bytes`);
    this.#newest = newest;
    this.#keys = new Map(keyring.map((k) => [k.id, k.key]));
  }

  /** The id new ciphertexts are tagged with. */
  get currentKeyId(): string {
    return this.#newest.id;
  }

  seal(plaintext: Uint8Array, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#newest.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const ciphertext = Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), data]);
    return { keyId: this.#newest.id, ciphertext };
  }

  open(sealed: Sealed, context: string): Buffer {
    const key = this.#keys.get(sealed.keyId);
    if (!key) throw new DecryptionError(sealed.keyId, `session key ${sealed.keyId} is not in the keyring`);
    const bytes = Buffer.from(sealed.ciphertext);
    if (bytes.length < HEADER_BYTES || bytes[0] !== VERSION) {
      throw new DecryptionError(sealed.keyId, 'ciphertext is truncated or of an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, HEADER_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError(sealed.keyId, 'ciphertext failed authentication (wrong key, context or tampered)');
    }
  }

  /** True when the ciphertext is not under the newest key (a rotation re-seals it). */
  isStale(sealed: Pick<Sealed, 'keyId'>): boolean {
    return sealed.keyId !== this.#newest.id;
  }

  /** Re-seals under the newest key; returns the input unchanged when it already is. */
  reseal(sealed: Sealed, context: string): Sealed {
    return this.isStale(sealed) ? this.seal(this.open(sealed, context), context) : sealed;
  }
}
