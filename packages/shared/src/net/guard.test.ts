import type { LookupAddress } from 'node:dns';
import { checkOutboundUrl, isUnsafeTargetError, type ResolveAll, validateOutboundUrl } from './guard.ts';

const dns =
  (table: Record<string, string[]>): ResolveAll =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const resolve = dns({
  'public.example': ['93.184.216.34'],
  'rebind.example': ['93.184.216.34', '10.0.0.7'],
  'metadata.example': ['169.254.169.254'],
});
const strict = { allowPrivate: false, resolve };

async function reasonOf(url: string, policy = strict): Promise<string> {
  try {
    await checkOutboundUrl(url, policy);
    return 'allowed';
  } catch (err) {
    if (isUnsafeTargetError(err)) return err.reason;
    throw err;
  }
}

describe('checkOutboundUrl', () => {
  test('public http(s) targets pass', async () => {
    expect(await reasonOf('https://public.example/hook')).toBe('allowed');
    expect(await reasonOf('http://8.8.8.8:8080/x')).toBe('allowed');
  });

  test('loopback, private and metadata targets are refused, in any spelling', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]:3000/',
      'http://[::ffff:127.0.0.1]/',
      'http://192.168.0.10/',
      'http://metadata.example/latest',
      'http://rebind.example/',
    ]) {
      expect(`${url} ${await reasonOf(url)}`).toBe(`${url} private_address`);
    }
  });

  test('other schemes and junk are refused', async () => {
    expect(await reasonOf('ftp://public.example/x')).toBe('unsupported_scheme');
    expect(await reasonOf('file:///etc/passwd')).toBe('unsupported_scheme');
    expect(await reasonOf('not a url')).toBe('invalid_url');
    expect(await reasonOf('http://nowhere.example/')).toBe('unresolvable_host');
  });

  test('private targets pass when allowed', async () => {
    expect(await reasonOf('http://127.0.0.1:9/', { allowPrivate: true, resolve })).toBe('allowed');
  });

  test('validateOutboundUrl reports a verdict for the API', async () => {
    expect(await validateOutboundUrl('https://public.example/a', strict)).toEqual({
      ok: true,
      url: 'https://public.example/a',
    });
    expect(await validateOutboundUrl('http://localhost:1/', { allowPrivate: false })).toMatchObject({
      ok: false,
      reason: 'private_address',
    });
  });
});
