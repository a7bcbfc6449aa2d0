import { createHash } from 'node:crypto';

export interface SessionKey {
  /** Stored beside each ciphertext so the key can be rotated. */
  id: string;
  key: Buffer;
}

/** A 32-byte key given as 64 hex characters or as base64. */
export function parseKeyMaterial(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}

/** Key ids default to a short fingerprint, so the same key always gets the same id. */
export const keyFingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * `SESSION_ENCRYPTION_KEYS` is `id:key,id:key` newest first (or bare keys); the single
 * `SESSION_ENCRYPTION_KEY` is the one-key form. Returns problems instead of throwing so
 * every config error is reported together.
 */
export function parseKeyring(keys: string | undefined, single: string | undefined): SessionKey[] | string {
  const entries = [...(keys ? keys.split(',') : []), ...(single ? [single] : [])].map((e) => e.trim()).filter(Boolean);
  const ring: SessionKey[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const [id, material] = colon > 0 && colon < 40 ? [entry.slice(0, colon), entry.slice(colon + 1)] : [null, entry];
    const key = parseKeyMaterial(material);
    if (!key) return 'each key must be 32 bytes: 64 hex characters or base64 (openssl rand -hex 32)';
    const keyId = id ?? keyFingerprint(key);
    if (!ring.some((k) => k.id === keyId)) ring.push({ id: keyId, key });
  }
  return ring;
}
