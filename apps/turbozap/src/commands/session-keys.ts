import { parseArgs } from 'node:util';
import { ConfigError, parseKeyring, readEnvironment } from '@turbozap/shared/config';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { type Database, openDatabase, pendingMigrations } from '@turbozap/shared/db/database';
import { authStateRotationRepo, type ResealFailure } from '@turbozap/shared/db/repositories/auth-state-rotation';
import { lockDataDir } from '../embedded.ts';

export const sessionKeysUsage = `turbozap session-keys <status|reseal>
  status   rows of wa_auth_creds / wa_auth_keys per key id, and whether each id is in the keyring;
           exits 0 only when every row is under the current key (older keys can then be removed)
  reseal   re-encrypt every row sealed under an older key with the current key (the first of
           SESSION_ENCRYPTION_KEYS), row by row; prints counts; exits 1 if a row cannot be
           decrypted (its key is not in the keyring, or it fails authentication) or rows remain

Safe while session-workers run: each row is a compare-and-set on its old ciphertext, so a
worker's own (fenced) write made meanwhile is kept, and the pass is repeated for such rows.
Reads DATABASE_URL (or DATA_DIR in embedded mode, with \`turbozap all\` stopped) and the keyring
from SESSION_ENCRYPTION_KEYS / SESSION_ENCRYPTION_KEY. Never prints key material.

Rotation, step by step (docs/OPERATIONS.md §3.2):
  1. new key first, the old entry exactly as it is today (same id:, or none if it had none — a key
     without id: is known by its fingerprint), e.g. SESSION_ENCRYPTION_KEYS=k2:NEW_KEY,k1:OLD_KEY;
     with only SESSION_ENCRYPTION_KEY set, add SESSION_ENCRYPTION_KEYS=k2:NEW_KEY beside it
     (NEW_KEY: openssl rand -hex 32; store it in the vault first)
  2. restart EVERY session-worker (and worker/all) with it: they seal with the new key from then on
     and still open the old one
  3. turbozap session-keys reseal     (with the same keyring; run it again until it exits 0)
  4. turbozap session-keys status     (exit 0: no row left under the old key)
  5. remove the old key from the keyring, restart the workers; keep the old key in the vault for
     as long as a backup made before step 3 is within its retention`;

/** Passes over rows a session-worker rewrote meanwhile; more than a few means one still seals with an old key. */
const MAX_PASSES = 5;

type Out = (line: string) => void;

function describeFailure(f: ResealFailure, inKeyring: Set<string>): string {
  const why = inKeyring.has(f.keyId)
    ? 'fails authentication under that key (wrong key material for this id, or altered)'
    : 'its key is not in the keyring';
  return `cannot re-encrypt ${f.rows} row(s) of ${f.table} of instance ${f.instanceId} under key ${f.keyId}: ${why}`;
}

/** Re-seals every stale row; returns the process exit code. */
export async function resealSessionKeys(database: Database, cipher: KeyringCipher, ids: string[], out: Out) {
  const { db } = database;
  out(`current key: ${cipher.currentKeyId}`);
  const failures = new Map<string, ResealFailure>();
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const report = await authStateRotationRepo.resealStale(db, cipher.currentKeyId, (v, context) =>
      cipher.reseal({ keyId: v.keyId, ciphertext: Buffer.from(v.ciphertext) }, context),
    );
    const failed = report.failed.reduce((n, f) => n + f.rows, 0);
    out(
      `pass ${pass}: re-encrypted ${report.resealed}, rewritten meanwhile by a worker ${report.raced}, failed ${failed}`,
    );
    for (const f of report.failed) failures.set(`${f.table}/${f.instanceId}/${f.keyId}`, f);
    if (report.raced === 0) break;
  }
  const stale = (await authStateRotationRepo.countByKeyId(db)).filter((c) => c.keyId !== cipher.currentKeyId);
  const remaining = stale.reduce((n, c) => n + c.rows, 0);
  const inKeyring = new Set(ids);
  for (const f of failures.values()) out(describeFailure(f, inKeyring));
  out(`rows left under older keys: ${remaining}`);
  if (remaining === 0) return 0;
  if (failures.size === 0)
    out('rows keep arriving under an older key: is a session-worker still running without the new keyring?');
  return 1;
}

/** Prints rows per key id; returns 0 when every row is under the current key. */
export async function sessionKeysStatus(database: Database, cipher: KeyringCipher, ids: string[], out: Out) {
  const counts = await authStateRotationRepo.countByKeyId(database.db);
  const inKeyring = new Set(ids);
  out(`current key: ${cipher.currentKeyId}; keyring: ${ids.join(', ')}`);
  for (const c of counts) {
    const state =
      c.keyId === cipher.currentKeyId ? 'current' : inKeyring.has(c.keyId) ? 'older, in keyring' : 'NOT in keyring';
    out(`${c.table.padEnd(14)} ${c.keyId.padEnd(12)} ${String(c.rows).padStart(8)}  ${state}`);
  }
  const stale = counts.filter((c) => c.keyId !== cipher.currentKeyId).reduce((n, c) => n + c.rows, 0);
  out(
    stale === 0
      ? 'every row is under the current key: older keys can be removed from the keyring'
      : `${stale} row(s) under older keys: run turbozap session-keys reseal`,
  );
  return stale === 0 ? 0 : 1;
}

async function openFromEnvironment(env: Record<string, string>): Promise<{ database: Database; unlock: () => void }> {
  const dataDir = env.DATA_DIR ?? './data';
  // Embedded mode: the database belongs to one process; refuse while `turbozap all` holds it.
  const unlock = env.DATABASE_URL ? () => {} : lockDataDir(dataDir);
  const database = await openDatabase(
    env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: `${dataDir}/db` },
  );
  return { database, unlock };
}

export async function sessionKeysCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean' } } });
  const [action] = positionals;
  if (values.help || !action) return void process.stdout.write(`${sessionKeysUsage}\n`);
  if ((action !== 'reseal' && action !== 'status') || positionals.length > 1) throw new Error(sessionKeysUsage);

  const env = readEnvironment();
  const keyring = parseKeyring(env.SESSION_ENCRYPTION_KEYS, env.SESSION_ENCRYPTION_KEY);
  if (typeof keyring === 'string') throw new ConfigError([`SESSION_ENCRYPTION_KEY(S): ${keyring}`]);
  if (keyring.length === 0) throw new ConfigError(['SESSION_ENCRYPTION_KEYS (or SESSION_ENCRYPTION_KEY) is not set']);
  const cipher = new KeyringCipher(keyring);
  const ids = keyring.map((k) => k.id);

  const { database, unlock } = await openFromEnvironment(env);
  try {
    if ((await pendingMigrations(database.db)).length > 0)
      throw new Error('the database schema is not up to date: run ./turbozap migrate first');
    const out: Out = (line) => process.stdout.write(`${line}\n`);
    const code = await (action === 'reseal' ? resealSessionKeys : sessionKeysStatus)(database, cipher, ids, out);
    process.exitCode = code;
  } finally {
    await database.close();
    unlock();
  }
}
