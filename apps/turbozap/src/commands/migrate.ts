import { ConfigError, readEnvironment } from '@turbozap/shared/config';
import { migrator, openDatabase } from '@turbozap/shared/db/database';

/** `turbozap migrate [--down]`: applies (or reverts one) migration, then exits. Never implicit in N replicas. */
export async function migrateCommand(args: string[]): Promise<void> {
  const env = readEnvironment();
  const url = env.DATABASE_URL;
  const target = url
    ? { kind: 'postgres' as const, url }
    : { kind: 'pglite' as const, dataDir: `${env.DATA_DIR ?? './data'}/db` };
  if (!url && process.env.TURBOZAP_MIGRATE_EMBEDDED !== '1' && !args.includes('--embedded')) {
    throw new ConfigError([
      'DATABASE_URL is required (or pass --embedded to migrate the embedded database under DATA_DIR)',
    ]);
  }
  const database = await openDatabase(target);
  try {
    const m = migrator(database.db);
    const { error, results } = args.includes('--down') ? await m.migrateDown() : await m.migrateToLatest();
    for (const r of results ?? [])
      process.stdout.write(`${r.direction.toLowerCase()} ${r.migrationName}: ${r.status}\n`);
    if (error) throw error;
    if ((results ?? []).length === 0) process.stdout.write('database schema is up to date\n');
  } finally {
    await database.close();
  }
}
