// backup.sh / restore.sh without a database: stand-ins for pg_dump, pg_restore and psql show
// what the scripts write and read. The real round trip, against PostgreSQL and a session that
// reconnects without a QR, is test/e2e/runbook.test.ts.
import { spawnSync } from 'node:child_process';
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './known.ts';

const scripts = join(root, 'deploy/scripts');
const marker = `PLAINTEXT-${randomBytes(6).toString('hex')}`;
const dump = Buffer.from(`PGDMP fake dump ${marker}\n`.repeat(20_000)); // ~0.7 MB: many cipher blocks

let dir: string;
let env: Record<string, string>;
let made: Buffer; // one backup, made once: key derivation is deliberately slow

/** A stand-in for a PostgreSQL tool, in a directory put first on PATH. */
function tool(name: string, body: string) {
  writeFileSync(join(dir, 'bin', name), `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(join(dir, 'bin', name), 0o755);
}

const bash = (script: string, args: string[], extra: Record<string, string> = {}) =>
  spawnSync('bash', [join(scripts, script), ...args], { env: { ...env, ...extra }, encoding: 'utf8' });

/** A copy of the backup (changed by `edit`), named like backup.sh names them. */
function backupFile(edit: (bytes: Buffer) => Buffer = (b) => b): string {
  const file = join(dir, 'backups', `turbozap_db_${randomBytes(4).toString('hex')}.dump.enc`);
  writeFileSync(file, edit(Buffer.from(made)));
  return file;
}

const flip = (b: Buffer, at: number) => {
  b[at]! ^= 1;
  return b;
};

const restore = (file: string, extra: Record<string, string> = {}) =>
  bash('restore.sh', [file, '--yes-stopped', '--skip-migrate', '--keyring-file', join(dir, 'keyring.env')], extra);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbozap-backup-'));
  for (const sub of ['bin', 'tmp', 'backups']) mkdirSync(join(dir, sub), { mode: 0o700 });
  writeFileSync(join(dir, 'dump'), dump);
  writeFileSync(join(dir, 'pass'), 'a backup passphrase\n');
  writeFileSync(join(dir, 'keyring.env'), `SESSION_ENCRYPTION_KEY=${'ab'.repeat(32)}\n`);
  tool('pg_dump', `cat ${join(dir, 'dump')}`);
  // The restoring call (--dbname) fails if the plaintext is anywhere under TMPDIR at that moment,
  // and keeps what it was given, to compare with the dump.
  tool(
    'pg_restore',
    `if [[ " $* " == *" --dbname="* ]]; then
       if grep -rqs ${marker} "$TMPDIR"; then echo "plaintext dump on disk" >&2; exit 9; fi
       cat >${join(dir, 'restored')}
     else cat >/dev/null; fi`,
  );
  tool('psql', 'echo 0');
  env = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    TMPDIR: join(dir, 'tmp'),
    DATABASE_URL: 'postgres://postgres@db.invalid/turbozap',
    BACKUP_PASSPHRASE_FILE: join(dir, 'pass'),
    API_URL: 'http://127.0.0.1:9', // nothing answers: TurboZap counts as stopped
  };
  const r = bash('backup.sh', ['--dir', join(dir, 'backups'), '--env-file', join(dir, 'none.env')]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  made = readFileSync(/^BACKUP_FILE=(.+)$/m.exec(r.stdout)![1]!);
}, 60_000);

beforeEach(() => rmSync(join(dir, 'restored'), { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the backup is authenticated encryption: header, AES-256-CTR, HMAC-SHA256 under a key derived apart', () => {
  const bytes = made;
  expect(bytes.includes(Buffer.from(marker))).toBe(false);
  const newline = bytes.indexOf(0x0a);
  const header = bytes.subarray(0, newline).toString('latin1');
  const [, iter, salt] = /^TURBOZAP-BACKUP v2 aes-256-ctr\+hmac-sha256 pbkdf2:(\d+) salt:([0-9a-f]{16})$/.exec(header)!;
  expect(bytes.subarray(newline + 1, newline + 9).toString('latin1')).toBe('Salted__');
  // The tag, recomputed independently: HMAC-SHA256 over everything before it, keyed by
  // PBKDF2-SHA512(passphrase, header salt).
  const macKey = pbkdf2Sync('a backup passphrase', Buffer.from(salt!, 'hex'), Number(iter), 32, 'sha512');
  const tag = createHmac('sha256', macKey).update(bytes.subarray(0, -32)).digest();
  expect(bytes.subarray(-32).equals(tag)).toBe(true);
  expect(readdirSync(join(dir, 'backups')).filter((f) => f.endsWith('.sha256'))).toEqual([]);
});

test('restore streams the decrypted dump into pg_restore: intact, and never on disk', () => {
  const r = restore(backupFile());
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toContain('Restore concluído');
  expect(readFileSync(join(dir, 'restored')).equals(dump)).toBe(true);
  expect(readdirSync(join(dir, 'tmp'))).toEqual([]); // and the temporary directory is gone
});

test.each([
  ['one flipped byte in the middle', (b: Buffer) => flip(b, b.length >> 1)],
  ['the KDF iterations changed in the header', (b: Buffer) => flip(b, b.indexOf('pbkdf2:') + 7)],
  ['truncated', (b: Buffer) => b.subarray(0, b.length - 1000)],
  ['the tag cut off', (b: Buffer) => b.subarray(0, b.length - 32)],
  // openssl refuses 0 iterations: a key derived as "" would make a tag anyone can compute.
  [
    'forged: 0 KDF iterations and a tag under an empty key',
    (b: Buffer) => {
      const body = Buffer.from(
        b.subarray(0, -32).toString('latin1').replace('pbkdf2:200000', 'pbkdf2:000000'),
        'latin1',
      );
      return Buffer.concat([body, createHmac('sha256', Buffer.alloc(0)).update(body).digest()]);
    },
  ],
])('a tampered backup (%s) is refused before anything is decrypted or restored', (_what, tamper) => {
  const r = restore(backupFile(tamper));
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('backup recusado');
  expect(r.stdout).not.toContain('Restaurando o banco');
  expect(existsSync(join(dir, 'restored'))).toBe(false);
});

test('a wrong passphrase is refused the same way', () => {
  writeFileSync(join(dir, 'wrong'), 'not the passphrase\n');
  const r = restore(backupFile(), { BACKUP_PASSPHRASE_FILE: join(dir, 'wrong') });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('senha do backup errada');
});

test('an old AES-CBC backup (no authentication) only with --accept-legacy-cbc', () => {
  const legacy = join(dir, 'backups', 'turbozap_db_20240101_000000.dump.enc');
  const enc = spawnSync(
    'openssl',
    [
      'enc',
      '-aes-256-cbc',
      '-pbkdf2',
      '-iter',
      '200000',
      '-salt',
      '-pass',
      `file:${join(dir, 'pass')}`,
      '-out',
      legacy,
    ],
    { input: dump },
  );
  expect(enc.status).toBe(0);
  const refused = restore(legacy);
  expect([refused.status, refused.stderr]).toEqual([1, expect.stringContaining('--accept-legacy-cbc')]);
  const r = bash('restore.sh', [legacy, '--yes-stopped', '--skip-migrate', '--accept-legacy-cbc'], {
    SESSION_ENCRYPTION_KEY: 'ab'.repeat(32),
  });
  expect(r.status).toBe(0);
  expect(readFileSync(join(dir, 'restored')).equals(dump)).toBe(true);
});

test("the HMAC in bash equals Node's, for keys with bytes that meet the pads (0x36, 0x5c, 0x00)", () => {
  const data = randomBytes(70_000);
  writeFileSync(join(dir, 'data'), data);
  for (const key of [randomBytes(32), Buffer.alloc(32), Buffer.alloc(32, 0x36), Buffer.alloc(32, 0x5c)]) {
    const r = spawnSync(
      'bash',
      ['-c', `. ${join(scripts, 'backup-crypto.sh')}; bk_hmac ${key.toString('hex')} <"$1"`, '_', join(dir, 'data')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe(createHmac('sha256', key).update(data).digest('hex'));
  }
});
