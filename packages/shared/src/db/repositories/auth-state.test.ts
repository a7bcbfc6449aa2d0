import { claimTestFence, insertTestInstance, testDatabaseKinds, withTestInstance } from '../../testing/database.ts';
import { authStateRepo } from './auth-state.ts';
import { authStateRotationRepo } from './auth-state-rotation.ts';
import { type Fence, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';

const kinds = await testDatabaseKinds();
const sealed = (text: string) => ({ keyId: 'k1', ciphertext: Buffer.from(text) });

describe.each(kinds)('auth state repository on %s', (kind) => {
  const { database, fence: w1 } = withTestInstance(kind, { name: `a-${kind}` }, 'w1');
  // w1's fence, filled in before the tests; the test that hands the instance to w2 replaces it.
  let fence: Fence = w1;

  test('creds and keys round-trip; many keys are written in batches in one transaction', async () => {
    const upserts = Array.from({ length: 1000 }, (_, i) => ({ type: 'pre-key', id: String(i), ...sealed(`pk${i}`) }));
    await authStateRepo.write(database.db, fence, { creds: sealed('creds-1'), upserts });
    expect(Buffer.from((await authStateRepo.getCreds(database.db, fence.instanceId))!.ciphertext).toString()).toBe(
      'creds-1',
    );
    const got = await authStateRepo.getKeys(database.db, fence.instanceId, 'pre-key', ['0', '999', '5000']);
    expect(got.map((g) => [g.id, Buffer.from(g.ciphertext).toString()]).sort()).toEqual([
      ['0', 'pk0'],
      ['999', 'pk999'],
    ]);
    await authStateRepo.write(database.db, fence, {
      creds: sealed('creds-2'),
      upserts: [
        { type: 'session', id: 'a', ...sealed('s1') },
        { type: 'session', id: 'a', ...sealed('s2') },
      ],
      deletes: [{ type: 'pre-key', id: '0' }],
    });
    expect(await authStateRepo.getKeys(database.db, fence.instanceId, 'pre-key', ['0'])).toEqual([]);
    const [session] = await authStateRepo.getKeys(database.db, fence.instanceId, 'session', ['a']);
    expect(Buffer.from(session!.ciphertext).toString()).toBe('s2');
  });

  test('Signal-key upserts of several instances go in one statement, each under its own fence', async () => {
    const other = await insertTestInstance(database.db, { name: `b-${kind}` });
    const otherFence = await claimTestFence(database.db, other.id, 'w1');
    const staleFence: Fence = { ...otherFence, token: otherFence.token - 1 };
    const results = await authStateRepo.upsertKeysMany(database.db, [
      { fence, upserts: [{ type: 'session', id: 'm', ...sealed('mine') }] },
      {
        fence: otherFence,
        upserts: [
          { type: 'session', id: 'm', ...sealed('old') },
          { type: 'session', id: 'm', ...sealed('theirs') },
        ],
      },
    ]);
    expect(results).toEqual([undefined, undefined]);
    const read = async (instanceId: string) =>
      Buffer.from((await authStateRepo.getKeys(database.db, instanceId, 'session', ['m']))[0]!.ciphertext).toString();
    expect([await read(fence.instanceId), await read(other.id)]).toEqual(['mine', 'theirs']);
    const [refused] = await authStateRepo.upsertKeysMany(database.db, [
      { fence: staleFence, upserts: [{ type: 'session', id: 'm', ...sealed('zombie') }] },
    ]);
    expect(refused).toBeInstanceOf(StaleFenceError);
    expect(await read(other.id)).toBe('theirs');
  });

  test("a stale holder's write is rejected and changes nothing", async () => {
    await instanceOwnershipRepo.release(database.db, fence);
    const stale = fence;
    fence = await claimTestFence(database.db, stale.instanceId, 'w2');
    await expect(
      authStateRepo.write(database.db, stale, {
        creds: sealed('zombie'),
        upserts: [{ type: 'session', id: 'z', ...sealed('z') }],
      }),
    ).rejects.toBeInstanceOf(StaleFenceError);
    await expect(authStateRepo.clear(database.db, stale)).rejects.toBeInstanceOf(StaleFenceError);
    expect(Buffer.from((await authStateRepo.getCreds(database.db, fence.instanceId))!.ciphertext).toString()).toBe(
      'creds-2',
    );
    expect(await authStateRepo.getKeys(database.db, fence.instanceId, 'session', ['z'])).toEqual([]);
  });

  test('rotation re-seals only rows under an old key, row by row, and is idempotent', async () => {
    await authStateRepo.write(database.db, fence, {
      creds: { keyId: 'old', ciphertext: Buffer.from('c') },
      upserts: Array.from({ length: 7 }, (_, i) => ({
        type: 'session',
        id: `r${i}`,
        keyId: i < 5 ? 'old' : 'new',
        ciphertext: Buffer.from(`v${i}`),
      })),
    });
    const contexts: string[] = [];
    const reseal = (v: { keyId: string; ciphertext: Uint8Array }, context: string) => {
      contexts.push(context);
      return { keyId: 'new', ciphertext: Buffer.concat([Buffer.from('re:'), Buffer.from(v.ciphertext)]) };
    };
    const staleKeys = await database.db.selectFrom('wa_auth_keys').select('id').where('key_id', '!=', 'new').execute();
    expect(await authStateRotationRepo.resealStale(database.db, 'new', reseal, 2)).toEqual({
      resealed: 1 + staleKeys.length,
      raced: 0,
      failed: [],
    });
    expect(contexts).toContain(`wa_auth_creds/${fence.instanceId}`);
    expect(contexts).toContain(`wa_auth_keys/${fence.instanceId}/session/r0`);
    const rows = await authStateRepo.getKeys(database.db, fence.instanceId, 'session', ['r0', 'r6']);
    expect(rows.map((r) => [r.id, r.keyId, Buffer.from(r.ciphertext).toString()]).sort()).toEqual([
      ['r0', 'new', 're:v0'],
      ['r6', 'new', 'v6'],
    ]);
    expect(await authStateRotationRepo.resealStale(database.db, 'new', reseal)).toEqual({
      resealed: 0,
      raced: 0,
      failed: [],
    });
  });

  test('clear removes creds and keys', async () => {
    await authStateRepo.clear(database.db, fence);
    expect(await authStateRepo.getCreds(database.db, fence.instanceId)).toBeUndefined();
    expect(await authStateRepo.getKeys(database.db, fence.instanceId, 'pre-key', ['1'])).toEqual([]);
  });
});
