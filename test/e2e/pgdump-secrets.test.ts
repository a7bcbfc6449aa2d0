import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { parseKeyring } from '@turbozap/shared/config';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { describeWith } from '@turbozap/shared/testing/services';
import { BufferJSON } from '@whiskeysockets/baileys';
import pg from 'pg';
import { Cluster } from './support/cluster.ts';

const run = promisify(execFile);
const d = await describeWith('postgres', 'redis', 'rabbitmq');

/** Where a secret could appear in a dump: as raw bytes, hex or base64. */
const forms = (key: Buffer) => [
  key,
  Buffer.from(key.toString('hex')),
  Buffer.from(key.toString('base64').replace(/=+$/, '')),
];
const found = (dump: Buffer, key: Buffer) => forms(key).some((form) => dump.includes(form));

d('a pg_dump backup holds no plaintext session keys', () => {
  const cluster = new Cluster();
  beforeAll(async () => {
    await cluster.start();
    await Promise.all([cluster.startRole('api'), cluster.startRole('session-worker')]);
  }, 120_000);
  afterAll(() => cluster.stop(), 120_000);

  test("none of a linked session's private keys are in the dump; a key planted in clear is found by the same search", async () => {
    const { id } = await cluster.linkInstance('secret', '5511833000001');
    const db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query('select key_id, ciphertext from wa_auth_creds where instance_id = $1', [id]);
    const keyring = parseKeyring(undefined, cluster.sessionKey);
    if (typeof keyring === 'string') throw new Error(keyring);
    const creds = JSON.parse(
      new KeyringCipher(keyring)
        .open({ keyId: rows[0].key_id, ciphertext: rows[0].ciphertext }, `wa_auth_creds/${id}`)
        .toString('utf8'),
      BufferJSON.reviver,
    );
    const privateKeys: Buffer[] = [
      creds.noiseKey.private,
      creds.signedIdentityKey.private,
      creds.signedPreKey.keyPair.private,
    ].map((k) => Buffer.from(k));
    expect(privateKeys.every((k) => k.length === 32)).toBe(true);

    const planted = randomBytes(32);
    await db.query('create table scratch_control (k bytea)');
    await db.query('insert into scratch_control values ($1)', [planted]);
    await db.end();

    const dump = (
      await run('pg_dump', [cluster.env.DATABASE_URL as string], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 })
    ).stdout;
    expect(found(dump, planted)).toBe(true); // the search can find a key stored in clear
    expect(privateKeys.filter((k) => found(dump, k))).toEqual([]);
  }, 120_000);
});
