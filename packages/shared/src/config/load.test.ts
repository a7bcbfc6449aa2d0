import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, readEnvironment } from './load.ts';
import { knownVariables } from './schema.ts';

const distributed = {
  DATABASE_URL: 'postgres://u:secretpw@db:5432/tz',
  RABBITMQ_URL: 'amqp://guest:guest@mq:5672',
  REDIS_URL: 'redis://redis:6379',
  API_KEY: 'k'.repeat(40),
  S3_BUCKET: 'b',
  S3_ACCESS_KEY: 'a',
  S3_SECRET_KEY: 's',
  SESSION_ENCRYPTION_KEY: 'ab'.repeat(32),
};

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  test('all with nothing set is embedded, on port 8080', () => {
    const c = loadConfig('all', {});
    expect(c.mode).toBe('embedded');
    expect(c.server.port).toBe(8080);
    expect(c.database.kind).toBe('pglite');
  });

  test('a distributed role names every missing variable in one error', () => {
    const problems = problemsOf(() => loadConfig('session-worker', {}));
    expect(problems.join('\n')).toMatch(
      /DATABASE_URL, RABBITMQ_URL, REDIS_URL, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY/,
    );
  });

  test('a partial distributed configuration is refused instead of mixing adapters', () => {
    expect(problemsOf(() => loadConfig('all', { DATABASE_URL: distributed.DATABASE_URL })).join()).toMatch(/partial/);
  });

  test('every invalid variable is reported together', () => {
    const problems = problemsOf(() =>
      loadConfig('worker', {
        ...distributed,
        SERVER_PORT: 'abc',
        RABBITMQ_URL: 'not a url',
        SESSION_ENCRYPTION_KEY: 'short',
        WEBHOOK_TIMEOUT: 'soon',
      }),
    );
    expect(problems.join('\n')).toMatch(/SERVER_PORT/);
    expect(problems.join('\n')).toMatch(/RABBITMQ_URL/);
    expect(problems.join('\n')).toMatch(/SESSION_ENCRYPTION_KEY/);
    expect(problems.join('\n')).toMatch(/WEBHOOK_TIMEOUT/);
  });

  test('a complete distributed configuration parses, with durations and lists', () => {
    const c = loadConfig('worker', {
      ...distributed,
      WEBHOOK_TIMEOUT: '2500ms',
      API_KEY: 'a,b',
      RABBITMQ_WORKER_COUNT: '8',
    });
    expect(c.mode).toBe('distributed');
    expect(c.webhook.timeoutMs).toBe(2500);
    expect(c.api.adminKeys).toEqual(['a', 'b']);
    expect(c.rabbitmq?.workerCount).toBe(8);
    expect(c.session.keyring).toHaveLength(1);
  });

  test('an empty variable is unset, as compose files and CI templates pass them', () => {
    const allEmpty = Object.fromEntries(knownVariables.map((name) => [name, '']));
    expect(problemsOf(() => loadConfig('all', allEmpty))).toEqual([]);
    expect(loadConfig('all', allEmpty)).toEqual(loadConfig('all', {}));
    const blank = loadConfig('worker', { ...distributed, S3_REGION: ' ', LOG_LEVEL: '', PUBLIC_URL: '', DATA_DIR: '' });
    expect(blank.s3?.region).toBe('us-east-1');
    expect(blank.logLevel).toBe('info');
    expect(blank.api.publicUrl).toBeUndefined();
    expect(blank.dataDir).toBe(loadConfig('worker', distributed).dataDir);
    // Missing, not "must be a URL": an empty service URL is reported like an absent one.
    expect(problemsOf(() => loadConfig('worker', { ...distributed, DATABASE_URL: '', REDIS_URL: '' }))).toEqual([
      'worker needs DATABASE_URL, REDIS_URL (missing)',
    ]);
  });

  test('readEnvironment: an empty variable neither overrides .env nor counts as set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tz-env-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, 'DATABASE_URL=postgres://db/tz\nREDIS_URL=\nLOG_LEVEL=warn\n');
      expect(readEnvironment({ DATABASE_URL: '', LOG_LEVEL: 'debug', CORS_ORIGINS: '  ' }, file)).toEqual({
        DATABASE_URL: 'postgres://db/tz',
        LOG_LEVEL: 'debug',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('.env.example documents every variable TurboZap reads, and nothing else', () => {
    const text = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(knownVariables);
  });
});

test('the README configuration table lists every variable', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const inTable = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
  expect(inTable).toEqual(knownVariables);
});
