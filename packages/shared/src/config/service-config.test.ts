import { loadConfig } from './load.ts';
import { configFor } from './service-config.ts';

const adminKey = 'k'.repeat(40);
const sessionKey = 'ab'.repeat(32);
const config = loadConfig('all', { API_KEY: adminKey, SESSION_ENCRYPTION_KEY: sessionKey });
/** Every string anywhere in a value, to look for a secret wherever a section might carry it. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
const holds = (value: unknown, secret: string) => strings(value).some((s) => s.includes(secret));

describe('configFor: each service gets only its sections', () => {
  test('the sender-worker holds neither the session keyring nor the admin keys', () => {
    const sender = configFor('sender', config);
    expect(Object.keys(sender).sort()).toEqual(['media', 'retention', 'webhook', 'workerCount']);
    expect(holds(sender, adminKey)).toBe(false);
    expect(strings(config.session.keyring).length).toBeGreaterThan(0);
    for (const key of config.session.keyring) expect(holds(sender, key.id)).toBe(false);
  });

  test('the API holds the admin keys but no keyring; the session-worker the keyring but no admin key', () => {
    const api = configFor('api', config);
    const session = configFor('session', config);
    expect(holds(api, adminKey)).toBe(true);
    expect(holds(session, adminKey)).toBe(false);
    expect('session' in api).toBe(false);
    expect(session.session.keyring).toBe(config.session.keyring);
  });

  test('a section is the configuration’s own value, not a copy that could drift', () => {
    expect(configFor('sender', config).media).toBe(config.media);
    expect(configFor('api', config).api).toBe(config.api);
  });
});
