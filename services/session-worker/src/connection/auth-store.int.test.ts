import { randomBytes } from 'node:crypto';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { authStateRepo } from '@turbozap/shared/db/repositories/auth-state';
import {
  type Fence,
  instanceOwnershipRepo,
  StaleFenceError,
} from '@turbozap/shared/db/repositories/instance-ownership';
import { createTestDatabase, insertTestInstance } from '@turbozap/shared/testing/database';
import { describeWith } from '@turbozap/shared/testing/services';
import { proto } from '@whiskeysockets/baileys';
import { asSocketKeys } from '../testing/baileys-keys.ts';
import { loadPostgresAuthState } from './auth-store.ts';
import { rideOnKeyCommit } from './key-commit-rider.ts';

const describePg = await describeWith('postgres');

describePg('Postgres auth state for Baileys', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let fence: Fence;
  const oldKey = { id: 'old', key: randomBytes(32) };
  const newKey = { id: 'new', key: randomBytes(32) };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { id } = await insertTestInstance(database.db, { name: 'auth' });
    fence = {
      instanceId: id,
      worker: 'w1',
      token: (await instanceOwnershipRepo.claim(database.db, id, 'w1', 60_000)) as number,
    };
  }, 60_000);
  afterAll(() => database.close());

  test('creds and signal keys round-trip through encrypted rows, with no plaintext in the database', async () => {
    const first = await loadPostgresAuthState(database.db, new KeyringCipher([oldKey]), fence);
    expect(first.hadCreds).toBe(false);
    first.state.creds.me = { id: '15550000001:3@s.whatsapp.net', name: 'Plaintext Marker' };
    await first.saveCreds();
    const session = randomBytes(64);
    await first.state.keys.set({
      session: { '15550000002.0': session },
      'pre-key': { '1': first.state.creds.signedIdentityKey, '2': first.state.creds.signedIdentityKey },
      'app-state-sync-key': {
        AAAA: proto.Message.AppStateSyncKeyData.fromObject({ keyData: randomBytes(32), timestamp: 1 }),
      },
      'lid-mapping': { '15550000002': '99999@lid' },
    });
    await first.state.keys.set({ 'pre-key': { '2': null } });

    const rows = await database.db.selectFrom('wa_auth_keys').select(['type', 'id', 'key_id', 'ciphertext']).execute();
    expect(rows.length).toBe(4);
    const creds = await database.db.selectFrom('wa_auth_creds').selectAll().executeTakeFirstOrThrow();
    for (const bytes of [creds.ciphertext, ...rows.map((r) => r.ciphertext)]) {
      const text = Buffer.from(bytes).toString('latin1');
      expect(text).not.toContain('Plaintext Marker');
      expect(text).not.toContain('99999@lid');
      expect(Buffer.from(bytes).includes(session)).toBe(false);
    }

    // A new process (rotated keyring, old key still present) reads everything back.
    const second = await loadPostgresAuthState(database.db, new KeyringCipher([newKey, oldKey]), fence);
    expect(second.hadCreds).toBe(true);
    expect(second.state.creds.me?.name).toBe('Plaintext Marker');
    expect(
      Buffer.from(second.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private)),
    ).toBe(true);
    const got = await second.state.keys.get('session', ['15550000002.0', 'missing']);
    expect(Buffer.from(got['15550000002.0'] as Uint8Array).equals(session)).toBe(true);
    expect(got['missing']).toBeUndefined();
    expect(Object.keys(await second.state.keys.get('pre-key', ['1', '2']))).toEqual(['1']);
    const sync = await second.state.keys.get('app-state-sync-key', ['AAAA']);
    expect(sync['AAAA']).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect((await second.state.keys.get('lid-mapping', ['15550000002']))['15550000002']).toBe('99999@lid');
    // New writes use the newest key.
    await second.saveCreds();
    expect((await database.db.selectFrom('wa_auth_creds').select('key_id').executeTakeFirstOrThrow()).key_id).toBe(
      'new',
    );
  });

  test('a key transaction commits once, handing its keys and its rider (a send pass) to the grouped write', async () => {
    const { id } = await insertTestInstance(database.db, { name: 'auth-pass' });
    const own: Fence = {
      instanceId: id,
      worker: 'w1',
      token: (await instanceOwnershipRepo.claim(database.db, id, 'w1', 60_000)) as number,
    };
    const commits: Array<{ ids: string[]; pass?: object }> = [];
    const auth = await loadPostgresAuthState<object>(database.db, new KeyringCipher([oldKey]), own, {
      upsertKeys: async (upserts, pass) => commits.push({ ids: upserts.map((u) => `${u.type}/${u.id}`), pass }),
    });
    const keys = asSocketKeys(auth.state.keys);
    const pass = { name: 'pass' };
    const other = { name: 'other' };

    await keys.transaction(async () => {
      await keys.set({ session: { 'a.0': randomBytes(8) } });
      await keys.set({ session: { 'b.0': randomBytes(8) } });
      await rideOnKeyCommit(keys, pass);
    }, 'me');
    // A transaction that wrote no key commits nothing, rider or not.
    await keys.transaction(() => rideOnKeyCommit(keys, other), 'me');
    // Deletes take the direct path: the rider is not handed on (a pass then writes its `sent` itself).
    await keys.transaction(async () => {
      await keys.set({ session: { 'a.0': null } });
      await rideOnKeyCommit(keys, other);
    }, 'me');

    expect(commits).toEqual([{ ids: ['session/a.0', 'session/b.0'], pass }]);
    const stored = await database.db
      .selectFrom('wa_auth_keys')
      .select(['type'])
      .where('instance_id', '=', id)
      .execute();
    expect(stored).toEqual([]);
  });

  test('once cleared, nothing writes the device again: a key write in flight is waited for, later ones are dropped', async () => {
    const { id } = await insertTestInstance(database.db, { name: 'auth-clear' });
    const own: Fence = {
      instanceId: id,
      worker: 'w1',
      token: (await instanceOwnershipRepo.claim(database.db, id, 'w1', 60_000)) as number,
    };
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // Key upserts that commit only when the test says: one is still on its way when the device is forgotten.
    const auth = await loadPostgresAuthState(database.db, new KeyringCipher([oldKey]), own, {
      upsertKeys: async (upserts) => {
        await gate;
        await authStateRepo.write(database.db, own, { upserts, deletes: [] });
      },
    });
    await auth.saveCreds();
    const inFlight = auth.state.keys.set({ session: { 'late.0': randomBytes(8) } });
    const clearing = auth.clear();
    open();
    await Promise.all([inFlight, clearing]);
    await auth.state.keys.set({ session: { 'later.0': randomBytes(8) } });
    await auth.saveCreds();
    const rows = (table: 'wa_auth_keys' | 'wa_auth_creds') =>
      database.db.selectFrom(table).select('instance_id').where('instance_id', '=', id).execute();
    expect([await rows('wa_auth_keys'), await rows('wa_auth_creds')]).toEqual([[], []]);
  });

  test("a stale owner's writes are rejected and the new owner's state is untouched", async () => {
    const cipher = new KeyringCipher([newKey, oldKey]);
    const zombie = await loadPostgresAuthState(database.db, cipher, fence);
    await instanceOwnershipRepo.release(database.db, fence);
    const token = (await instanceOwnershipRepo.claim(database.db, fence.instanceId, 'w2', 60_000)) as number;
    const current: Fence = { instanceId: fence.instanceId, worker: 'w2', token };

    zombie.state.creds.me = { id: '15550000001:3@s.whatsapp.net', name: 'zombie' };
    await expect(zombie.saveCreds()).rejects.toBeInstanceOf(StaleFenceError);
    await expect(zombie.state.keys.set({ session: { x: randomBytes(8) } })).rejects.toBeInstanceOf(StaleFenceError);
    await expect(zombie.clear()).rejects.toBeInstanceOf(StaleFenceError);

    const fresh = await loadPostgresAuthState(database.db, cipher, current);
    expect(fresh.state.creds.me?.name).toBe('Plaintext Marker');
    expect(await fresh.state.keys.get('session', ['x'])).toEqual({});
    await fresh.clear();
    expect((await loadPostgresAuthState(database.db, cipher, current)).hadCreds).toBe(false);
  });
});
