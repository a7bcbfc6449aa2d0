import { parseArgs } from 'node:util';
import { readEnvironment } from '@turbozap/shared/config';
import { openDatabase } from '@turbozap/shared/db/database';
import { apiKeysRepo } from '@turbozap/shared/db/repositories/api-keys';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';

export const keysUsage = `turbozap keys <create|list|revoke>
  create [--instance NAME] [--label TEXT]   a new admin key, or a key for one instance (printed once)
  list                                      keys with scope, label, created and revoked dates (never the keys)
  revoke ID                                 revoke a key by id (takes effect within 10 s on every API replica)`;

export async function keysCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { instance: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [action, id] = positionals;
  if (values.help || !action) return void process.stdout.write(`${keysUsage}\n`);
  const env = readEnvironment();
  const database = await openDatabase(
    env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'pglite', dataDir: `${env.DATA_DIR ?? './data'}/db` },
  );
  try {
    const { db } = database;
    if (action === 'create') {
      let scope = 'admin';
      if (values.instance) {
        const instance = await instancesRepo.byName(db, values.instance);
        if (!instance) throw new Error(`no instance named ${values.instance}`);
        scope = instance.id;
      }
      const { row, key } = await apiKeysRepo.create(db, scope, values.label ?? null);
      process.stdout.write(
        `id: ${row.id}\nscope: ${values.instance ?? 'admin'}\nkey: ${key}\n(store it now: it is not shown again)\n`,
      );
    } else if (action === 'list') {
      for (const k of await apiKeysRepo.list(db)) {
        process.stdout.write(
          `${k.id}  ${k.scope === 'admin' ? 'admin' : `instance:${k.scope}`}  ${k.label ?? '-'}  created ${k.created_at.toISOString()}${k.revoked_at ? `  revoked ${k.revoked_at.toISOString()}` : ''}\n`,
        );
      }
    } else if (action === 'revoke' && id) {
      if (!(await apiKeysRepo.revoke(db, id))) throw new Error(`no active key with id ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    } else {
      throw new Error(keysUsage);
    }
  } finally {
    await database.close();
  }
}
