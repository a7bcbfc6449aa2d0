import { randomBytes } from 'node:crypto';
import { makeEvent } from '@turbozap/shared/contracts/events';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import {
  insertTestOutbound,
  StatementCounter,
  testDatabaseKinds,
  withTestInstance,
} from '@turbozap/shared/testing/database';
import { loadPostgresAuthState } from '../connection/auth-store.ts';
import { MessageWrites } from '../message-writes.ts';
import { asSocketKeys } from '../testing/baileys-keys.ts';
import { SendPass } from './send-pass.ts';

const kinds = await testDatabaseKinds();
const cipher = new KeyringCipher([{ id: 'k', key: randomBytes(32) }]);
const chat = '15550000777@s.whatsapp.net';

describe.each(kinds)('a send pass on %s', (kind) => {
  const { database, instance, fence } = withTestInstance(kind, { name: `pass-${kind}` }, 'w1');
  const statements = new StatementCounter();

  /** A message claimed by a pass (`sending`), and the keys of an auth store whose grouped writes ride passes. */
  async function claimedAndKeys() {
    const db = database.db.withPlugin(statements);
    const { row } = await insertTestOutbound(database.db, {
      instanceId: instance.id,
      remoteJid: chat,
      type: 'text',
      content: { text: 'hi' },
    });
    await messagesRepo.transition(database.db, row.id, 'preparing');
    await messagesRepo.transition(database.db, row.id, 'ready');
    const writes = new MessageWrites(db);
    const [claimed] = await writes.claim({ fence, chat, limit: 1 });
    const auth = await loadPostgresAuthState<SendPass>(db, cipher, fence, {
      upsertKeys: (upserts, pass) => writes.upsertKeys(fence, upserts, pass),
    });
    const event = makeEvent(
      'message.sent',
      instance,
      { id: claimed!.id, wa_message_id: 'WA1', remote_jid: chat, remote_lid: null, type: 'text', status: 'sent' },
      claimed!.id,
    );
    return { claimed: claimed!, keys: asSocketKeys(auth.state.keys), event };
  }

  test('its `sent` rides on its key commit: the sessions and the messages in one statement', async () => {
    const { claimed, keys, event } = await claimedAndKeys();
    const pass = new SendPass(fence);
    statements.count = 0;
    await keys.transaction(async () => {
      await keys.set({ session: { [`${chat}.0`]: randomBytes(16) } });
      pass.sent.push({ row: claimed, event });
      await pass.rideOnKeys(keys);
    }, 'me');
    expect(statements.count).toBe(1);
    expect(pass.close()).toMatchObject([{ id: claimed.id, status: 'sent' }]);
    expect((await messagesRepo.get(database.db, claimed.id))?.status).toBe('sent');
  });

  test('when its keys take another path, nothing rides: the sender writes `sent` itself', async () => {
    const { claimed, keys, event } = await claimedAndKeys();
    const pass = new SendPass(fence);
    await keys.transaction(async () => {
      // A delete goes through authStateRepo.write, not the grouped upsert.
      await keys.set({ session: { [`${chat}.0`]: null, [`${chat}.1`]: randomBytes(16) } });
      pass.sent.push({ row: claimed, event });
      await pass.rideOnKeys(keys);
    }, 'me');
    expect(pass.close()).toBeUndefined();
    expect((await messagesRepo.get(database.db, claimed.id))?.status).toBe('sending');
  });

  test('a closed pass, or one of another fence, gives a key commit nothing to write', async () => {
    const { claimed, event } = await claimedAndKeys();
    const pass = new SendPass(fence);
    pass.sent.push({ row: claimed, event });
    expect(pass.itemsFor({ ...fence, token: fence.token + 1 })).toEqual([]);
    expect(pass.itemsFor(fence)).toEqual([{ fence, id: claimed.id, event }]);
    pass.close();
    expect(pass.itemsFor(fence)).toEqual([]);
  });
});
