import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore, keyFromMediaPath, verifyPresigned } from '@turbozap/shared/blobs';
import { loadConfig } from '@turbozap/shared/config';
import { deriveKey } from '@turbozap/shared/crypto/derive';
import { openBlobStore } from './context.ts';

const sessionKey = randomBytes(32);
let dataDir: string;
let store: FsBlobStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tz-context-'));
  const config = loadConfig('all', {
    DATA_DIR: dataDir,
    SESSION_ENCRYPTION_KEY: sessionKey.toString('hex'),
    API_KEY: `admin-${'k'.repeat(40)}`,
  });
  store = openBlobStore(config, 'https://tz.example.test') as FsBlobStore;
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function parts(href: string) {
  const url = new URL(href);
  return {
    key: keyFromMediaPath(url.pathname) as string,
    expires: url.searchParams.get('expires') ?? '',
    signature: url.searchParams.get('signature') ?? '',
  };
}

describe('embedded media links', () => {
  test('are signed with a key of their own (HKDF of the session key), not the session key', async () => {
    const linkKey = deriveKey(sessionKey, 'mediaLink');
    expect(linkKey).toHaveLength(32);
    expect(linkKey.equals(sessionKey)).toBe(false);
    expect(deriveKey(sessionKey, 'mediaLink').equals(linkKey)).toBe(true); // same secret → same key on every replica

    expect(store).toBeInstanceOf(FsBlobStore);
    const { key, expires, signature } = parts(await store.presignedGetUrl('media/inst/msg', 300));
    expect(store.verify(key, expires, signature)).toBe(true);
    expect(verifyPresigned(key, expires, signature, linkKey)).toBe(true);
    // Neither form of the raw session key (the hex text earlier versions signed with, or its bytes) makes them.
    expect(verifyPresigned(key, expires, signature, sessionKey.toString('hex'))).toBe(false);
    expect(verifyPresigned(key, expires, signature, sessionKey)).toBe(false);
  });

  test('a link signed with the raw session key, as earlier versions made them, is refused', async () => {
    const legacy = new FsBlobStore({
      root: join(dataDir, 'media'),
      publicBaseUrl: 'https://tz.example.test',
      secret: sessionKey.toString('hex'),
    });
    const { key, expires, signature } = parts(await legacy.presignedGetUrl('media/inst/msg', 300));
    expect(store.verify(key, expires, signature)).toBe(false);
  });
});
