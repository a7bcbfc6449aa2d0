import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import type { Database } from '@turbozap/shared/db/database';
import { authStateRepo } from '@turbozap/shared/db/repositories/auth-state';
import { authStateRotationRepo } from '@turbozap/shared/db/repositories/auth-state-rotation';
import { type Fence, instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import { createTestDatabase, insertTestInstance } from '@turbozap/shared/testing/database';
import { describeWith, testServices } from '@turbozap/shared/testing/services';
import { resealSessionKeys } from './session-keys.ts';

const run = promisify(execFile);
const turbozap = resolve(import.meta.dirname, '../../../../turbozap');
const d = await describeWith('postgres');

const keyA = { id: 'keyA', key: randomBytes(32) };
const keyB = { id: 'keyB', key: randomBytes(32) };
const hex = (k: { id: string; key: Buffer }) => `${k.id}:${k.key.toString('hex')}`;
const credsContext = (instance: string) => `wa_auth_creds/${instance}`;
const keyContext = (instance: string, type: string, id: string) => `wa_auth_keys/${instance}/${type}/${id}`;
const plain = (context: string) => Buffer.from(`secret of ${context}`);

d('session-keys reseal (real Postgres)', () => {
  let database: Database & { schema?: string };
  const fences: Fence[] = [];

  /** Writes creds and `keys` Signal keys for an instance, sealed with `cipher`, through the fenced path workers use. */
  async function sealInstance(cipher: KeyringCipher, keys: number): Promise<Fence> {
    const { id } = await insertTestInstance(database.db);
    const token = (await instanceOwnershipRepo.claim(database.db, id, 'w1', 60_000)) as number;
    const fence = { instanceId: id, worker: 'w1', token };
    const upserts = Array.from({ length: keys }, (_, i) => {
      const kid = `5511999${String(i).padStart(5, '0')}.0`;
      return {
        type: 'session',
        id: kid,
        ...cipher.seal(plain(keyContext(id, 'session', kid)), keyContext(id, 'session', kid)),
      };
    });
    await authStateRepo.write(database.db, fence, {
      creds: cipher.seal(plain(credsContext(id)), credsContext(id)),
      upserts,
    });
    fences.push(fence);
    return fence;
  }

  async function allRows() {
    const creds = await database.db.selectFrom('wa_auth_creds').selectAll().execute();
    const keys = await database.db.selectFrom('wa_auth_keys').selectAll().execute();
    return [
      ...creds.map((r) => ({ keyId: r.key_id, ciphertext: r.ciphertext, context: credsContext(r.instance_id) })),
      ...keys.map((r) => ({
        keyId: r.key_id,
        ciphertext: r.ciphertext,
        context: keyContext(r.instance_id, r.type, r.id),
      })),
    ];
  }

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom('wa_auth_keys').execute();
    await database.db.deleteFrom('wa_auth_creds').execute();
  });

  test('re-encrypts every row sealed with key A under B; afterwards B alone opens them all', async () => {
    const onlyA = new KeyringCipher([keyA]);
    await sealInstance(onlyA, 700); // more than one read batch
    await sealInstance(onlyA, 3);
    const lines: string[] = [];
    const code = await resealSessionKeys(database, new KeyringCipher([keyB, keyA]), ['keyB', 'keyA'], (l) =>
      lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines).toContain('pass 1: re-encrypted 705, rewritten meanwhile by a worker 0, failed 0');
    expect(lines).toContain('rows left under older keys: 0');
    const rows = await allRows();
    expect(rows).toHaveLength(705);
    expect(rows.filter((r) => r.keyId !== 'keyB')).toEqual([]);
    const onlyB = new KeyringCipher([keyB]);
    for (const r of rows)
      expect(onlyB.open({ keyId: r.keyId, ciphertext: Buffer.from(r.ciphertext) }, r.context)).toEqual(
        plain(r.context),
      );
  });

  test('a fenced write made by a session-worker during the reseal is kept, not overwritten', async () => {
    const fence = await sealInstance(new KeyringCipher([keyA]), 2);
    const ab = new KeyringCipher([keyB, keyA]);
    const workerValue = ab.seal(Buffer.from('newer, from the worker'), credsContext(fence.instanceId));
    let raced = false;
    const report = await authStateRotationRepo.resealStale(database.db, 'keyB', async (value, context) => {
      if (context === credsContext(fence.instanceId) && !raced) {
        raced = true; // the worker writes between the reseal's read and its compare-and-set
        await authStateRepo.write(database.db, fence, { creds: workerValue });
      }
      return ab.reseal({ keyId: value.keyId, ciphertext: Buffer.from(value.ciphertext) }, context);
    });
    expect(report).toEqual({ resealed: 2, raced: 1, failed: [] });
    const creds = await authStateRepo.getCreds(database.db, fence.instanceId);
    expect(Buffer.from(creds!.ciphertext)).toEqual(workerValue.ciphertext);
  });

  test('a row under a key missing from the keyring is reported (instance and key id only) and exits 1', async () => {
    await sealInstance(new KeyringCipher([keyA]), 4);
    const lost = await sealInstance(new KeyringCipher([{ id: 'lost', key: randomBytes(32) }]), 2);
    const lines: string[] = [];
    const code = await resealSessionKeys(database, new KeyringCipher([keyB, keyA]), ['keyB', 'keyA'], (l) =>
      lines.push(l),
    );
    expect(code).toBe(1);
    const text = lines.join('\n');
    expect(text).toContain(`cannot re-encrypt 2 row(s) of wa_auth_keys of instance ${lost.instanceId} under key lost`);
    expect(text).toContain(`cannot re-encrypt 1 row(s) of wa_auth_creds of instance ${lost.instanceId} under key lost`);
    expect(text).toContain('rows left under older keys: 3');
    // Key names can embed phone numbers; key material never appears.
    expect(text).not.toMatch(/5511999|[0-9a-f]{64}/);
    const rows = await allRows();
    expect(rows.filter((r) => r.keyId === 'keyA')).toEqual([]);
  });

  test('./turbozap session-keys: status before and after, reseal prints counts and exits 0', async () => {
    await sealInstance(new KeyringCipher([keyA]), 5);
    const url = new URL(testServices.postgres);
    url.searchParams.set('options', `-c search_path=${database.schema}`);
    const env = { ...process.env, DATABASE_URL: url.toString(), SESSION_ENCRYPTION_KEYS: `${hex(keyB)},${hex(keyA)}` };
    const cli = (action: string) =>
      run(turbozap, ['session-keys', action], { env, timeout: 60_000 }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const before = await cli('status');
    expect(before).toMatchObject({ code: 1 });
    expect(before.out).toMatch(/wa_auth_keys\s+keyA\s+5\s+older, in keyring/);
    const resealed = await cli('reseal');
    expect(resealed).toMatchObject({ code: 0, out: expect.stringContaining('pass 1: re-encrypted 6,') });
    expect(resealed.out).not.toContain(keyA.key.toString('hex'));
    const after = await cli('status');
    // Compared as a whole, so a failure shows what the command printed (stderr included).
    expect(after).toMatchObject({ code: 0, out: expect.stringContaining('every row is under the current key') });
  }, 90_000);
});
