import { silentLogger } from '@turbozap/shared/logging/logger';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { decodeRootKey, resolveBaileysEnvironment } from './baileys-env.ts';

const noFetch = (async () => {
  throw new Error('no network in this test');
}) as typeof fetch;

describe('Baileys environment', () => {
  test('WHATSAPP_WEB_VERSION wins and nothing is fetched', async () => {
    const env = await resolveBaileysEnvironment(
      { webVersion: [2, 3000, 1], simulatorUrl: undefined },
      silentLogger(),
      noFetch,
    );
    expect(env).toEqual({ version: [2, 3000, 1], waWebSocketUrl: undefined });
    expect(env.mediaRoute).toBeUndefined();
  });

  test('against the simulator: its wsUrl, its root key trusted, the pinned version', async () => {
    const original = WA_CERT_DETAILS.PUBLIC_KEY;
    const root = Buffer.alloc(32, 7);
    const fetchImpl = (async (url: URL) => {
      expect(String(url)).toBe('http://127.0.0.1:7780/sim/info');
      return new Response(
        JSON.stringify({
          wsUrl: 'ws://127.0.0.1:7780/ws/chat',
          rootPublicKey: root.toString('base64'),
          mediaHosts: ['media.sim.test'],
        }),
      );
    }) as unknown as typeof fetch;
    const globalDispatcher = Symbol.for('undici.globalDispatcher.1');
    const before = (globalThis as Record<symbol, unknown>)[globalDispatcher];
    try {
      const env = await resolveBaileysEnvironment(
        { webVersion: undefined, simulatorUrl: 'http://127.0.0.1:7780' },
        silentLogger(),
        fetchImpl,
      );
      expect(env.waWebSocketUrl).toBe('ws://127.0.0.1:7780/ws/chat');
      expect(env.version).toHaveLength(3);
      expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(root)).toBe(true);
      // media hosts are routed for Baileys' media calls only: the process-wide dispatcher is untouched
      expect([...(env.mediaRoute?.hosts ?? [])].sort()).toEqual(['media.sim.test', 'mmg.whatsapp.net']);
      expect((globalThis as Record<symbol, unknown>)[globalDispatcher]).toBe(before);
    } finally {
      WA_CERT_DETAILS.PUBLIC_KEY = original;
    }
  });

  test('an unreachable simulator fails start-up loudly instead of falling back to WhatsApp', async () => {
    await expect(
      resolveBaileysEnvironment({ webVersion: undefined, simulatorUrl: 'http://127.0.0.1:9' }, silentLogger(), noFetch),
    ).rejects.toThrow();
  });

  test('root keys in base64, hex or bytes', () => {
    const key = Buffer.alloc(32, 1);
    expect(decodeRootKey(key.toString('base64')).equals(key)).toBe(true);
    expect(decodeRootKey(key.toString('hex')).equals(key)).toBe(true);
    expect(decodeRootKey([...key]).equals(key)).toBe(true);
    expect(() => decodeRootKey('AAAA')).toThrow(/bytes/);
  });
});
