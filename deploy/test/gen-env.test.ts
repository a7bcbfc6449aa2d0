import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile, runGenEnv } from './gen-env.ts';
import { read } from './known.ts';

const secrets = ['API_KEY', 'SESSION_ENCRYPTION_KEY', 'POSTGRES_PASSWORD', 'RABBITMQ_PASSWORD', 'REDIS_PASSWORD'];
secrets.push('MINIO_ROOT_PASSWORD', 'GRAFANA_ADMIN_PASSWORD');

describe('scripts/gen-env.sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'turbozap-gen-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a new .env: deploy/env.example with every secret generated (hex, distinct), mode 600, values never printed', () => {
    const file = join(dir, '.env');
    const output = runGenEnv(file);
    const env = parseEnvFile(readFileSync(file, 'utf8'));
    expect(Object.keys(env)).toEqual(Object.keys(parseEnvFile(read('deploy/env.example'))));
    for (const name of secrets) {
      expect([name, env[name]]).toEqual([name, expect.stringMatching(/^[0-9a-f]{64}$/)]);
      expect(output).not.toContain(env[name]);
    }
    expect(new Set(secrets.map((n) => env[n])).size).toBe(secrets.length);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(env.COMPOSE_PROJECT_NAME).toBe('turbozap');
  });

  test('an existing .env keeps every value it has; only missing or empty variables are added', () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'API_KEY=kept\nREDIS_PASSWORD=\nCORS_ORIGINS=\nLOG_LEVEL=debug'); // no final newline
    const output = runGenEnv(file);
    const env = parseEnvFile(readFileSync(file, 'utf8'));
    expect(env).toMatchObject({
      API_KEY: 'kept',
      CORS_ORIGINS: '',
      LOG_LEVEL: 'debug',
      COMPOSE_PROJECT_NAME: 'turbozap',
    });
    expect(env.REDIS_PASSWORD).toMatch(/^[0-9a-f]{64}$/);
    expect(output).toContain('aplique as senhas novas nos serviços');
    const again = readFileSync(file, 'utf8');
    runGenEnv(file);
    expect(readFileSync(file, 'utf8')).toBe(again);
  });
});
