import { insertTestOutbound, testDatabaseKinds, withTestInstance } from '../../testing/database.ts';
import { messagesRepo, type UnpublishedMessage } from './messages.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('relaying unpublished messages on %s', (kind) => {
  const { database, instance } = withTestInstance(kind, { name: `relay-${kind}` });

  /** Queued, unpublished messages created `agoMs` ago, in that order. */
  async function queued(...agoMs: number[]): Promise<string[]> {
    const ids: string[] = [];
    for (const ago of agoMs) {
      const { row } = await insertTestOutbound(database.db, {
        instanceId: instance.id,
        remoteJid: '1@s.whatsapp.net',
        type: 'text',
        content: { text: 'x' },
      });
      await database.db
        .updateTable('messages')
        .set({ created_at: new Date(Date.now() - ago) })
        .where('id', '=', row.id)
        .execute();
      ids.push(row.id);
    }
    return ids;
  }

  /** One relay pass publishing what `publishes` picks; answers the ids offered. */
  async function relay(q: { createdBefore: Date; limit: number }, publishes = (rows: UnpublishedMessage[]) => rows) {
    let offered: string[] = [];
    await messagesRepo.relayUnpublished(database.db, q, async (rows) => {
      offered = rows.map((r) => r.id);
      return publishes(rows);
    });
    return offered;
  }

  test('offers committed rows older than the cutoff, oldest first, and marks only those published', async () => {
    const [newer, older, young] = await queued(20_000, 30_000, 0);
    const cutoff = new Date(Date.now() - 10_000);
    expect(await relay({ createdBefore: cutoff, limit: 1 }, () => [])).toEqual([older]);
    expect(await relay({ createdBefore: cutoff, limit: 10 }, (rows) => rows.filter((r) => r.id === older))).toEqual([
      older,
      newer,
    ]);
    expect((await messagesRepo.get(database.db, older ?? ''))?.published_at).toBeInstanceOf(Date);
    expect((await messagesRepo.get(database.db, newer ?? ''))?.published_at).toBeNull();
    expect(await relay({ createdBefore: cutoff, limit: 10 })).toEqual([newer]);
    expect(await relay({ createdBefore: cutoff, limit: 10 })).toEqual([]);
    expect(await relay({ createdBefore: new Date(Date.now() + 1_000), limit: 10 })).toEqual([young]);
  });

  if (kind === 'postgres')
    test('a batch stays locked until marked: a concurrent relay skips it', async () => {
      const [a, b] = await queued(60_000, 50_000);
      const cutoff = new Date(Date.now() - 10_000);
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let first: string[] = [];
      const holding = messagesRepo.relayUnpublished(database.db, { createdBefore: cutoff, limit: 1 }, async (rows) => {
        first = rows.map((r) => r.id);
        await held;
        return rows;
      });
      while (first.length === 0) await new Promise((r) => setTimeout(r, 5));
      const second = await relay({ createdBefore: cutoff, limit: 10 }, () => []);
      release();
      await holding;
      expect(first).toEqual([a]);
      expect(second).toEqual([b]);
    });
});
