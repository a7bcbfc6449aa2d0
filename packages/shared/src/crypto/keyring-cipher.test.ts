import { randomBytes } from 'node:crypto';
import type { SessionKey } from '../config/keyring.ts';
import { DecryptionError, KeyringCipher } from './keyring-cipher.ts';

const key = (id: string): SessionKey => ({ id, key: randomBytes(32) });
const text = Buffer.from('{"noiseKey":"secret material"}');

describe('KeyringCipher (AES-256-GCM)', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  test('seals under the newest key and opens to the same bytes, without plaintext in the ciphertext', () => {
    const cipher = new KeyringCipher([k2, k1]);
    const sealed = cipher.seal(text, 'ctx');
    expect(sealed.keyId).toBe('k2');
    expect(sealed.ciphertext.includes(Buffer.from('secret material'))).toBe(false);
    expect(cipher.open(sealed, 'ctx').equals(text)).toBe(true);
  });

  test('each seal uses a fresh nonce', () => {
    const cipher = new KeyringCipher([k1]);
    expect(cipher.seal(text, 'ctx').ciphertext.equals(cipher.seal(text, 'ctx').ciphertext)).toBe(false);
  });

  test('a flipped bit anywhere is detected', () => {
    const cipher = new KeyringCipher([k1]);
    const sealed = cipher.seal(text, 'ctx');
    for (const position of [0, 1, 14, 30, sealed.ciphertext.length - 1]) {
      const tampered = Buffer.from(sealed.ciphertext);
      tampered[position] = (tampered[position] as number) ^ 0x01;
      expect(() => cipher.open({ keyId: 'k1', ciphertext: tampered }, 'ctx')).toThrow(DecryptionError);
    }
    expect(() => cipher.open({ keyId: 'k1', ciphertext: sealed.ciphertext.subarray(0, 20) }, 'ctx')).toThrow(
      DecryptionError,
    );
  });

  test('a ciphertext moved to another context does not open', () => {
    const cipher = new KeyringCipher([k1]);
    const sealed = cipher.seal(text, 'instance-a/creds');
    expect(() => cipher.open(sealed, 'instance-b/creds')).toThrow(DecryptionError);
  });

  test('rotation: old ciphertexts still open with an older key, and reseal moves them to the newest', () => {
    const old = new KeyringCipher([k1]);
    const sealedOld = old.seal(text, 'ctx');
    const rotated = new KeyringCipher([k2, k1]);
    expect(rotated.open(sealedOld, 'ctx').equals(text)).toBe(true);
    expect(rotated.isStale(sealedOld)).toBe(true);
    const resealed = rotated.reseal(sealedOld, 'ctx');
    expect(resealed.keyId).toBe('k2');
    expect(rotated.isStale(resealed)).toBe(false);
    expect(new KeyringCipher([k2]).open(resealed, 'ctx').equals(text)).toBe(true);
  });

  test('a key id missing from the keyring, or the wrong key under that id, is refused', () => {
    const sealed = new KeyringCipher([k1]).seal(text, 'ctx');
    expect(() => new KeyringCipher([k2]).open(sealed, 'ctx')).toThrow(/not in the keyring/);
    const impostor = { id: 'k1', key: randomBytes(32) };
    expect(() => new KeyringCipher([impostor]).open(sealed, 'ctx')).toThrow(DecryptionError);
  });

  test('an empty keyring cannot be used', () => {
    expect(() => new KeyringCipher([])).toThrow(/empty/);
  });
});
