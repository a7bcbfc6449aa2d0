import { parseArgs } from 'node:util';
import { readEnvironment } from '@turbozap/shared/config';
import { openDatabase, pendingMigrations } from '@turbozap/shared/db/database';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { lockDataDir } from '../embedded.ts';

export const messagesUsage = `turbozap messages <cancel-pending> [options]
  cancel-pending NAME [--json]   mark every message of instance NAME not sent yet (queued, preparing,
                                 ready) as cancelled; the same as DELETE /message/NAME/pending

Why no queue purge: whatsapp.send.messages is shared by every instance, so purging it would drop
other instances' messages, and the relay/sweeper re-drive any committed row anyway (the database
is the source of truth). A cancelled row is final: a worker that later receives its job skips it.`;

/**
 * `turbozap messages cancel-pending NAME`: the runbook's "Limpar fila de mensagens" done right.
 * Writes only the database (compare-and-set to `cancelled`), so it works while the workers are
 * stopped and takes effect on running ones at once.
 */
export async function messagesCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [action, name] = positionals;
  if (values.help || !action) return void process.stdout.write(`${messagesUsage}\n`);
  if (action !== 'cancel-pending' || !name || positionals.length > 2) throw new Error(messagesUsage);

  const env = readEnvironment();
  // Embedded mode: the database belongs to one process; refuse while `turbozap all` holds it.
  const dataDir = env.DATA_DIR ?? './data';
  let unlock = () => {};
  if (!env.DATABASE_URL) {
    try {
      unlock = lockDataDir(dataDir);
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)} — while it runs, use its API: DELETE /message/${name}/pending`,
      );
    }
  }
  const database = await openDatabase(
    env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: `${dataDir}/db` },
  );
  try {
    if ((await pendingMigrations(database.db)).length > 0) {
      throw new Error('the database schema is not up to date: run ./turbozap migrate first');
    }
    const instance = await instancesRepo.byName(database.db, name);
    if (!instance) throw new Error(`no instance named ${name}`);
    const ids = await messagesRepo.cancelPending(database.db, instance.id);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ instance: instance.name, cancelled: ids.length, ids })}\n`);
    } else {
      process.stdout.write(`cancelled ${ids.length} pending message(s) of ${instance.name}\n`);
      for (const id of ids) process.stdout.write(`${id}\n`);
    }
  } finally {
    await database.close();
    unlock();
  }
}
