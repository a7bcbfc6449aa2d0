import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onCleanup } from './children.ts';
import { loadPg, loadRedis } from './deps.ts';

const run = promisify(execFile);

export interface ServiceUrls {
  /** postgres://…/<own database> */
  databaseUrl: string;
  /** amqp://guest:guest@127.0.0.1:5672/<own vhost> */
  amqpUrl: string;
  /** redis://127.0.0.1:6379/<db> */
  redisUrl: string;
  database: string;
  vhost: string;
  /** REDIS_PREFIX of this run (keys and channels in the Redis db start with it). */
  redisPrefix: string;
}

export interface ServiceOptions {
  pgAdminUrl: string;
  amqpHost: string;
  redisBase: string;
  redisDb: number;
  /** Keep the database and vhost after the run (for looking at them). */
  keep: boolean;
}

export const serviceDefaults: ServiceOptions = {
  pgAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  amqpHost: '127.0.0.1:5672',
  redisBase: 'redis://127.0.0.1:6379',
  redisDb: 13,
  keep: false,
};

/** A database, a RabbitMQ vhost and a Redis logical db of this run's own; all removed at exit. */
export async function provisionServices(tag: string, options: ServiceOptions = serviceDefaults): Promise<ServiceUrls> {
  const id = `${tag}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const database = `tz_bench_${id}`;
  const vhost = `tz-bench-${id}`;
  const pg = loadPg();

  const admin = new pg.Client({ connectionString: options.pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  if (!options.keep) {
    onCleanup(async () => {
      const c = new pg.Client({ connectionString: options.pgAdminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    });
  }

  await rabbitmqctl(['add_vhost', vhost]);
  if (!options.keep) onCleanup(async () => void (await rabbitmqctl(['delete_vhost', vhost])));
  await rabbitmqctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);

  const redisUrl = `${options.redisBase}/${options.redisDb}`;
  const redisPrefix = `tzbench:${id}:`;
  if (!options.keep) {
    onCleanup(async () => {
      await deleteRedisKeys(redisUrl, `${redisPrefix}*`);
      await deleteRedisKeys(redisUrl, 'turbozap:*'); // a build that ignores REDIS_PREFIX
    });
  }

  const pgBase = new URL(options.pgAdminUrl);
  pgBase.pathname = `/${database}`;
  return {
    databaseUrl: pgBase.toString(),
    amqpUrl: `amqp://guest:guest@${options.amqpHost}/${encodeURIComponent(vhost)}`,
    redisUrl,
    database,
    vhost,
    redisPrefix,
  };
}

async function rabbitmqctl(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * Transactions committed or rolled back in `database` so far (its statistics, which Postgres
 * flushes at most once a second): read before and after a run, per operation.
 */
export async function pgTransactions(
  pool: { query(text: string, values: unknown[]): Promise<{ rows: Array<{ n: string }> }> },
  database: string,
): Promise<number> {
  const { rows } = await pool.query(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return Number(rows[0]?.n);
}

/** Deletes this run's keys in its Redis logical db (by pattern, never FLUSHDB: the db may be shared). */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const Redis = loadRedis();
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Counts the keys matching `pattern` in a Redis db (to warn when the chosen db is already in use). */
export async function countRedisKeys(url: string, pattern: string): Promise<number> {
  const Redis = loadRedis();
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  } finally {
    redis.disconnect();
  }
}

/** An S3-protocol server (s3rver) on loopback for the workers, its files in a temporary directory. */
export async function startS3(): Promise<{ endpoint: string; env: Record<string, string> }> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadS3rver } = await import('./deps.ts');
  const directory = mkdtempSync(join(tmpdir(), 'tz-bench-s3-'));
  const S3rver = loadS3rver();
  // The bucket exists up front: the roles report not-ready until it does.
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: 'media' }],
  });
  const { port } = await server.run();
  onCleanup(async () => {
    await server.close().catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: 'media', S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER' },
  };
}
