import { randomUUID } from 'node:crypto';
import type { Database } from '@turbozap/shared/db/database';
import { setWebhook } from '@turbozap/shared/db/repositories/webhooks';
import type { DeliveryStatus } from '@turbozap/shared/db/schema';
import { silentLogger } from '@turbozap/shared/logging';
import { createMetrics, prom } from '@turbozap/shared/metrics';
import { createTestDatabase, insertTestInstance, testDatabaseKinds } from '@turbozap/shared/testing/database';
import { Pruner, type PrunerOptions } from './pruner.ts';

// PGlite too: `turbozap all` runs the pruner on the embedded database.
const kinds = await testDatabaseKinds();
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

describe.each(kinds)('retention pruner on %s', (kind) => {
  // PGlite has one connection: there are no concurrent transactions to skip or to race with.
  const concurrent = kind === 'postgres' ? test : test.skip;
  let database: Database;
  let instanceId: string;
  let webhookId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    instanceId = (await insertTestInstance(database.db)).id;
    webhookId = (await setWebhook(database.db, instanceId, { url: 'https://example.com/h', events: [], enabled: true }))
      .id;
  }, 60_000);
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.deleteFrom('events_outbox').execute();
    await database.db.deleteFrom('webhook_deliveries').execute();
  });

  const pruner = (options: Partial<PrunerOptions> = {}) => {
    const registry = new prom.Registry();
    const p = new Pruner({
      db: database.db,
      logger: silentLogger(),
      metrics: createMetrics(registry),
      intervalMs: 60_000,
      batchSize: 500,
      eventsHours: 24,
      webhookDeliveryDays: 7,
      ...options,
    });
    return { p, registry };
  };

  async function addEvent(createdHoursAgo: number, publishedHoursAgo: number | null): Promise<string> {
    const id = `ev-${randomUUID()}`;
    await database.db
      .insertInto('events_outbox')
      .values({
        id,
        instance_id: instanceId,
        event: 'message.received',
        envelope: '{}',
        created_at: hoursAgo(createdHoursAgo),
        published_at: publishedHoursAgo === null ? null : hoursAgo(publishedHoursAgo),
      })
      .execute();
    return id;
  }

  async function addDelivery(status: DeliveryStatus, createdDaysAgo: number): Promise<string> {
    const id = randomUUID();
    await database.db
      .insertInto('webhook_deliveries')
      .values({
        id,
        event_id: `e-${id}`,
        webhook_id: webhookId,
        instance_id: instanceId,
        event: 'message.sent',
        payload: '{}',
        status,
        attempts: 3,
        next_attempt_at: hoursAgo(createdDaysAgo * 24),
        locked_until: null,
        last_status: 500,
        last_error: null,
        last_duration_ms: 5,
        created_at: hoursAgo(createdDaysAgo * 24),
        delivered_at: status === 'delivered' ? hoursAgo(createdDaysAgo * 24) : null,
      })
      .execute();
    await database.db
      .insertInto('webhook_attempts')
      .values({ delivery_id: id, attempt: 1, status_code: 500, error: null, duration_ms: 5 })
      .execute();
    return id;
  }

  const eventIds = async () =>
    (await database.db.selectFrom('events_outbox').select('id').execute()).map((r) => r.id).sort();
  const deliveryIds = async () =>
    (await database.db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id).sort();

  test('deletes published events past the retention; keeps recent ones and every unpublished one', async () => {
    await addEvent(50, 49); // published 49 h ago: past 24 h
    const recent = await addEvent(30, 2); // old, but published 2 h ago (relayed after an outage)
    const unpublished = await addEvent(500, null); // never published: must survive any age
    const { p, registry } = pruner();
    expect(await p.pruneOnce()).toEqual({ events: 1, deliveries: 0 });
    expect(await eventIds()).toEqual([recent, unpublished].sort());
    expect(await registry.getSingleMetricAsString('turbozap_retention_pruned_rows_total')).toMatch(
      /turbozap_retention_pruned_rows_total\{table="events_outbox"\} 1/,
    );
  });

  test('deletes delivered and failed deliveries past the retention, with their attempts; never a pending one', async () => {
    await addDelivery('delivered', 8);
    await addDelivery('failed', 30);
    const pendingOld = await addDelivery('pending', 30); // still retrying (or replayed)
    const recent = await addDelivery('delivered', 1);
    const { p } = pruner();
    expect(await p.pruneOnce()).toEqual({ events: 0, deliveries: 2 });
    expect(await deliveryIds()).toEqual([pendingOld, recent].sort());
    const attempts = await database.db.selectFrom('webhook_attempts').select('delivery_id').execute();
    expect(new Set(attempts.map((a) => a.delivery_id))).toEqual(new Set([pendingOld, recent]));
  });

  test('a retention of 0 keeps everything', async () => {
    await addEvent(5000, 4999);
    await addDelivery('delivered', 3000);
    const { p } = pruner({ eventsHours: 0, webhookDeliveryDays: 0 });
    expect(p.enabled).toBe(false);
    expect(await p.pruneOnce()).toEqual({ events: 0, deliveries: 0 });
    expect(await eventIds()).toHaveLength(1);
    expect(await deliveryIds()).toHaveLength(1);
  });

  test('deletes in batches of batchSize; the loop drains a backlog and stops at the boundary', async () => {
    for (let i = 0; i < 7; i++) await addEvent(48, 48);
    const keep = await addEvent(1, 1);
    const { p } = pruner({ batchSize: 3, intervalMs: 10 });
    expect((await p.pruneOnce()).events).toBe(3);
    expect(await eventIds()).toHaveLength(5);
    p.start();
    const deadline = Date.now() + 5_000;
    while ((await eventIds()).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(await eventIds()).toEqual([keep]);
  });

  concurrent('several replicas at once split the work: every due row deleted exactly once, no error', async () => {
    const old = await Promise.all(Array.from({ length: 300 }, () => addEvent(48, 48)));
    await Promise.all(Array.from({ length: 120 }, () => addDelivery('delivered', 10)));
    const replicas = Array.from({ length: 4 }, () => pruner({ batchSize: 25 }).p);
    const totals = { events: 0, deliveries: 0 };
    await Promise.all(
      replicas.map(async (p) => {
        for (;;) {
          const r = await p.pruneOnce();
          totals.events += r.events;
          totals.deliveries += r.deliveries;
          if (r.events === 0 && r.deliveries === 0) return;
        }
      }),
    );
    expect(totals).toEqual({ events: old.length, deliveries: 120 });
    expect(await eventIds()).toEqual([]);
    expect(await deliveryIds()).toEqual([]);
  });

  concurrent('a row locked by another transaction is skipped, not waited on', async () => {
    const locked = await addDelivery('failed', 20);
    const free = await addDelivery('failed', 20);
    const { p } = pruner();
    let result: Awaited<ReturnType<Pruner['pruneOnce']>> | undefined;
    let releaseLock: () => void = () => {};
    const lockHeld = new Promise<void>((r) => {
      releaseLock = r;
    });
    const holder = database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('webhook_deliveries').select('id').where('id', '=', locked).forUpdate().execute();
      result = await p.pruneOnce(); // would block forever (deadlock with this test) without SKIP LOCKED
      await lockHeld;
    });
    while (result === undefined) await new Promise((r) => setTimeout(r, 10));
    releaseLock();
    await holder;
    expect(result.deliveries).toBe(1);
    expect(await deliveryIds()).toEqual([locked]);
    expect(await deliveryIds()).not.toContain(free);
  });
});
