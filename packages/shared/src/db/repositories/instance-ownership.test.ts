import { insertTestInstance, testDatabaseKinds, withTestDatabase } from '../../testing/database.ts';
import { sleep } from '../../util/sleep.ts';
import { instanceOwnershipRepo as repo, StaleFenceError } from './instance-ownership.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('instance ownership on %s', (kind) => {
  const database = withTestDatabase(kind);
  const newInstance = async () => (await insertTestInstance(database.db)).id;

  test('every acquisition increments the token; a live owner keeps others out until it releases', async () => {
    const id = await newInstance();
    const t1 = await repo.claim(database.db, id, 'w1', 60_000);
    expect(t1).toBe(1);
    expect(await repo.claim(database.db, id, 'w2', 60_000)).toBeNull();
    // The owner itself may re-claim (e.g. after a Redis restart dropped its lease).
    expect(await repo.claim(database.db, id, 'w1', 60_000)).toBe(2);
    expect(await repo.release(database.db, { instanceId: id, worker: 'w1', token: 1 })).toBe(false);
    expect(await repo.release(database.db, { instanceId: id, worker: 'w1', token: 2 })).toBe(true);
    expect(await repo.claim(database.db, id, 'w2', 60_000)).toBe(3);
    const view = await repo.get(database.db, id);
    expect(view).toMatchObject({ owner_worker: 'w2', owner_token: 3, has_creds: false });
    expect(view?.owner_age_ms).toBeGreaterThanOrEqual(0);
  });

  test('an owner silent for longer than one TTL can be replaced, and its writes are then rejected', async () => {
    const id = await newInstance();
    const t1 = (await repo.claim(database.db, id, 'w1', 50)) as number;
    await sleep(80);
    const t2 = (await repo.claim(database.db, id, 'w2', 50)) as number;
    expect(t2).toBe(t1 + 1);
    const stale = { instanceId: id, worker: 'w1', token: t1 };
    expect(await repo.renew(database.db, stale)).toBe(false);
    expect(await repo.setStatus(database.db, stale, 'connected')).toBe(false);
    await expect(repo.fenced(database.db, stale, async () => 'never')).rejects.toBeInstanceOf(StaleFenceError);
    const current = { instanceId: id, worker: 'w2', token: t2 };
    expect(await repo.renew(database.db, current)).toBe(true);
    expect(await repo.setStatus(database.db, current, 'connected', { jid: '1@s.whatsapp.net', pushName: 'x' })).toBe(
      true,
    );
    expect(await repo.fenced(database.db, current, async () => 'ok')).toBe('ok');
    const row = await database.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'connected', jid: '1@s.whatsapp.net', push_name: 'x' });
  });

  test('a vanished instance cannot be claimed and fails the fence', async () => {
    const id = await newInstance();
    const token = (await repo.claim(database.db, id, 'w1', 1000)) as number;
    await database.db.deleteFrom('instances').where('id', '=', id).execute();
    await expect(
      repo.fenced(database.db, { instanceId: id, worker: 'w1', token }, async () => 1),
    ).rejects.toBeInstanceOf(StaleFenceError);
    expect(await repo.claim(database.db, id, 'w1', 1000)).toBeNull();
    expect(await repo.get(database.db, id)).toBeUndefined();
  });

  test('list reports every instance with owner and credentials presence', async () => {
    const id = await newInstance();
    await database.db
      .insertInto('wa_auth_creds')
      .values({ instance_id: id, key_id: 'k', ciphertext: Buffer.from('x') })
      .execute();
    const all = await repo.list(database.db);
    expect(all.find((v) => v.id === id)).toMatchObject({ has_creds: true, owner_worker: null, owner_age_ms: null });
  });
});
