import { makeEvent } from '../../contracts/events.ts';
import { testDatabaseKinds, withTestInstance } from '../../testing/database.ts';
import { sentData } from '../../testing/event-data.ts';
import type { EventsOutboxRow } from '../schema.ts';
import { eventsOutboxRepo } from './events-outbox.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('the events outbox on %s', (kind) => {
  const { database, instance } = withTestInstance(kind, { name: `outbox-${kind}` });

  /** Events written `agoMs` ago, in that order; answers their ids. */
  async function written(...agoMs: number[]): Promise<string[]> {
    const ids: string[] = [];
    for (const ago of agoMs) {
      const event = makeEvent('message.sent', instance, sentData(), `e${ids.length}-${ago}-${Math.random()}`);
      await eventsOutboxRepo.add(database.db, event);
      await database.db
        .updateTable('events_outbox')
        .set({ created_at: new Date(Date.now() - ago) })
        .where('id', '=', event.id)
        .execute();
      ids.push(event.id);
    }
    return ids;
  }

  async function relay(q: { limit: number; olderThanMs: number }, publishes = (rows: EventsOutboxRow[]) => rows) {
    let offered: string[] = [];
    await eventsOutboxRepo.relayUnpublished(database.db, q, async (rows) => {
      offered = rows.map((r) => r.id);
      return publishes(rows);
    });
    return offered;
  }

  test('a relay pass offers unpublished events oldest first and marks only those published', async () => {
    const [newer, older, fresh] = await written(20_000, 30_000, 0);
    expect(await relay({ limit: 1, olderThanMs: 10_000 }, () => [])).toEqual([older]);
    expect(await relay({ limit: 10, olderThanMs: 10_000 }, (rows) => rows.filter((r) => r.id === older))).toEqual([
      older,
      newer,
    ]);
    expect(await relay({ limit: 10, olderThanMs: 10_000 })).toEqual([newer]);
    expect(await relay({ limit: 10, olderThanMs: 10_000 })).toEqual([]);
    expect(await relay({ limit: 10, olderThanMs: 0 })).toEqual([fresh]);
  });
});
