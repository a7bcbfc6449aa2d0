import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { OneSchemaPostgresDialect } from './one-schema-dialect.ts';
import type { DB } from './schema.ts';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; schema?: string }
  /** `dataDir: 'memory://'` keeps the database in memory (tests). */
  | { kind: 'pglite'; dataDir: string };

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseTarget['kind'];
  close(): Promise<void>;
}

const INT8 = 20;

/**
 * A pre-initialised PGlite data directory made at install time (scripts/bootstrap.sh runs
 * pglite-template.ts): a new embedded database starts from it instead of running initdb,
 * which peaks near 1 GB of memory. Without it PGlite runs initdb as usual.
 */
export const pgliteTemplate = new URL(
  '../../../../node_modules/.cache/turbozap/pglite-template.tar.gz',
  import.meta.url,
).pathname;
// Our bigint columns (sequence numbers, fencing tokens) fit in a JS number; both drivers agree on it.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/**
 * The one schema a connection URL confines TurboZap to (`?options=-c search_path=<schema>`, as
 * libpq takes it), if it names exactly one: then only that schema is introspected, as for
 * `schema`, and neither a migration check nor `migrate` looks at anyone else's.
 */
export function searchPathOf(url: string): string | undefined {
  let options: string | null;
  try {
    options = new URL(url).searchParams.get('options');
  } catch {
    return undefined;
  }
  const schema = options && /(?:^|\s)-c\s*search_path=([^\s]+)/.exec(options)?.[1];
  return schema && /^[A-Za-z_][A-Za-z0-9_]*$/.test(schema) ? schema : undefined;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      types: pgTypes,
      connectionTimeoutMillis: 5_000,
      // A statement that cannot finish in time fails instead of hanging a request.
      statement_timeout: 15_000,
      ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
    });
    // A connection that drops (PostgreSQL restarted, a proxy reset it) makes its client emit
    // 'error' when no query is running on it, and the pool re-emit it for an idle one: unheard,
    // either kills the process. The pool discards a broken client on release, the next query
    // opens a new connection, and a query that cannot reports its own error to its caller.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const schema = target.schema ?? searchPathOf(target.url);
    const dialect = schema ? new OneSchemaPostgresDialect({ pool }, schema) : new PostgresDialect({ pool });
    const db = new Kysely<DB>({ dialect });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const onDisk = !target.dataDir.includes('://');
  if (onDisk) mkdirSync(target.dataDir, { recursive: true });
  // In memory (tests) a database is always new: the template saves each one ~4 CPU-seconds of initdb.
  const empty = !onDisk || !existsSync(join(target.dataDir, 'PG_VERSION'));
  const template = empty && existsSync(pgliteTemplate) ? pgliteTemplate : undefined;
  const lite = await PGlite.create(target.dataDir, {
    parsers: { [INT8]: (value: string) => Number(value) },
    ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: lite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** `schema`: where the migration tables live when not `public` (tests isolate by schema). */
export function migrator(db: Kysely<DB>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>, schema?: string): Promise<string[]> {
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations the code knows that the database has not applied (not-ready while any). */
export async function pendingMigrations(db: Kysely<DB>, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/** Whether the database answers a statement now (readiness). */
export async function databaseAnswers(db: Kysely<DB>): Promise<boolean> {
  return sql`select 1`
    .execute(db)
    .then(() => true)
    .catch(() => false);
}
