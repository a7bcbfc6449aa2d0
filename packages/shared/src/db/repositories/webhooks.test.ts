import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error.ts';
import { insertTestInstance, testDatabaseKinds, withTestDatabase } from '../../testing/database.ts';
import {
  claimDueDeliveries,
  finishAttempt,
  finishAttempts,
  insertDeliveries,
  insertDelivery,
  releaseClaims,
} from './webhook-deliveries.ts';
import {
  deleteWebhook,
  getDelivery,
  getWebhook,
  listDeliveries,
  replayDelivery,
  setEnabled,
  setWebhook,
  webhookInputProblems,
} from './webhooks.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('webhooks repository on %s', (kind) => {
  const database = withTestDatabase(kind);

  const newInstance = async () => (await insertTestInstance(database.db, { status: 'connected' })).id;

  async function newDelivery(instanceId: string, webhookId: string, at: Date): Promise<string> {
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
        status: 'failed',
        next_attempt_at: at,
        locked_until: null,
        last_status: 400,
        last_error: 'HTTP 400',
        last_duration_ms: 3,
        delivered_at: null,
        attempts: 1,
      })
      .execute();
    await database.db.updateTable('webhook_deliveries').set({ created_at: at }).where('id', '=', id).execute();
    await database.db
      .insertInto('webhook_attempts')
      .values({ delivery_id: id, attempt: 1, status_code: 400, error: null, duration_ms: 3 })
      .execute();
    return id;
  }

  test('set creates with a generated secret, update keeps id and secret', async () => {
    const instanceId = await newInstance();
    const created = await setWebhook(database.db, instanceId, {
      url: 'https://a.example/h',
      events: [],
      enabled: true,
    });
    expect(created.secret).toMatch(/^whsec_.{40,}$/);
    expect(created.events).toEqual([]);
    const updated = await setWebhook(database.db, instanceId, {
      url: 'https://b.example/h',
      events: ['message.sent', 'message.sent', 'message.received'],
      enabled: false,
      headers: { Authorization: 'Bearer x' },
    });
    expect(updated.id).toBe(created.id);
    expect(updated.secret).toBe(created.secret);
    expect(updated.events).toEqual(['message.sent', 'message.received']);
    expect(updated.headers).toEqual({ Authorization: 'Bearer x' });
    const rotated = await setWebhook(database.db, instanceId, {
      url: 'https://b.example/h',
      events: [],
      enabled: true,
      secret: 'a-secret-of-16-chars',
    });
    expect(rotated.secret).toBe('a-secret-of-16-chars');
    expect((await getWebhook(database.db, instanceId))?.url).toBe('https://b.example/h');
  });

  test('enable, disable and delete', async () => {
    const instanceId = await newInstance();
    await setWebhook(database.db, instanceId, { url: 'https://a.example/h', events: [], enabled: true });
    expect((await setEnabled(database.db, instanceId, false))?.enabled).toBe(false);
    expect(await deleteWebhook(database.db, instanceId)).toBe(true);
    expect(await deleteWebhook(database.db, instanceId)).toBe(false);
    expect(await setEnabled(database.db, instanceId, true)).toBeUndefined();
  });

  test('bad definitions are rejected with every problem', async () => {
    const instanceId = await newInstance();
    const bad = {
      url: 'https://a.example',
      events: ['nope'],
      enabled: true,
      secret: 'short',
      headers: { 'X-TurboZap-Event': 'x', 'bad name': 'v', ok: 'a\r\nb' },
    };
    expect(webhookInputProblems(bad)).toHaveLength(5);
    await expect(setWebhook(database.db, instanceId, bad)).rejects.toBeInstanceOf(AppError);
  });

  test('the delivery log pages newest first with attempts, and replay resets a delivery', async () => {
    const instanceId = await newInstance();
    const webhook = await setWebhook(database.db, instanceId, {
      url: 'https://a.example/h',
      events: [],
      enabled: true,
    });
    const old = await newDelivery(instanceId, webhook.id, new Date('2026-01-01T00:00:00Z'));
    const recent = await newDelivery(instanceId, webhook.id, new Date('2026-01-02T00:00:00Z'));
    const page = await listDeliveries(database.db, instanceId, { limit: 1 });
    expect(page.map((d) => d.id)).toEqual([recent]);
    expect(page[0]?.attempt_log.map((a) => a.status_code)).toEqual([400]);
    const next = await listDeliveries(database.db, instanceId, { limit: 10, before: page[0]?.created_at });
    expect(next.map((d) => d.id)).toEqual([old]);
    expect(await listDeliveries(database.db, instanceId, { limit: 10, status: 'delivered' })).toEqual([]);

    expect(await replayDelivery(database.db, old, randomUUID())).toBeUndefined();
    const replayed = await replayDelivery(database.db, old, instanceId);
    expect(replayed).toMatchObject({ status: 'pending', attempts: 0, event_id: `e-${old}`, locked_until: null });
    expect((await getDelivery(database.db, old))?.attempt_log).toHaveLength(1);
    expect(await getDelivery(database.db, old, randomUUID())).toBeUndefined();
  });

  test('deliveries: one per (event, webhook); claims are disjoint; a stale claim cannot settle', async () => {
    const instanceId = await newInstance();
    const webhook = await setWebhook(database.db, instanceId, {
      url: 'https://a.example/h',
      events: [],
      enabled: true,
    });
    const delivery = (eventId: string) => ({
      eventId,
      webhookId: webhook.id,
      instanceId,
      event: 'message.sent',
      payload: { id: eventId },
    });
    const first = await insertDelivery(database.db, delivery('ev-1'));
    expect(first?.status).toBe('pending');
    expect(await insertDelivery(database.db, delivery('ev-1'))).toBeUndefined();
    for (let i = 2; i <= 6; i++) await insertDelivery(database.db, delivery(`ev-${i}`));

    const [a, b] = await Promise.all([
      claimDueDeliveries(database.db, { limit: 4, lockMs: 60_000 }),
      claimDueDeliveries(database.db, { limit: 4, lockMs: 60_000 }),
    ]);
    // (The delivery replayed by the previous test is due too.)
    const claimed = [...a, ...b].filter((c) => c.instance_id === instanceId);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed.map((c) => c.id)).size).toBe(6);
    expect(
      claimed.every(
        (c) =>
          c.attempts === 1 && c.locked_until instanceof Date && c.url === webhook.url && c.secret === webhook.secret,
      ),
    ).toBe(true);
    expect(await claimDueDeliveries(database.db, { limit: 10, lockMs: 60_000 })).toEqual([]);

    const claim = claimed.find((c) => c.id === first?.id)!;
    const outcome = {
      status: 'pending' as const,
      retryInMs: 0,
      statusCode: 503,
      error: 'HTTP 503',
      durationMs: 12.4,
      logAttempt: true,
    };
    await replayDelivery(database.db, claim.id);
    expect(await finishAttempt(database.db, claim, outcome)).toBe(false); // replayed meanwhile: logged, not settled
    const [again] = await claimDueDeliveries(database.db, { limit: 10, lockMs: 60_000 });
    expect(again?.id).toBe(claim.id);
    expect(await finishAttempt(database.db, again!, outcome)).toBe(true);
    const [third] = await claimDueDeliveries(database.db, { limit: 10, lockMs: 60_000 });
    expect(third?.attempts).toBe(2);
    expect(
      await finishAttempt(database.db, third!, { ...outcome, status: 'delivered', statusCode: 200, error: null }),
    ).toBe(true);
    const settled = await getDelivery(database.db, claim.id);
    expect(settled).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status: 200,
      last_error: null,
      last_duration_ms: 12,
      locked_until: null,
    });
    expect(settled?.delivered_at).toBeInstanceOf(Date);
    expect(settled?.attempt_log.map((x) => [x.attempt, x.status_code])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  describe('batched (the dispatcher under load)', () => {
    async function freshWebhook() {
      const instanceId = await newInstance();
      const webhook = await setWebhook(database.db, instanceId, {
        url: 'https://a.example/h',
        events: [],
        enabled: true,
      });
      const delivery = (eventId: string) => ({
        eventId,
        webhookId: webhook.id,
        instanceId,
        event: 'message.sent',
        payload: { id: eventId, text: 'olá' },
      });
      const claimMine = async (limit = 50) =>
        (await claimDueDeliveries(database.db, { limit, lockMs: 60_000 })).filter((c) => c.instance_id === instanceId);
      return { instanceId, webhook, delivery, claimMine };
    }

    test('insertDeliveries writes one row per (event, webhook) and returns only the rows it created', async () => {
      const { instanceId, delivery } = await freshWebhook();
      await insertDelivery(database.db, delivery('b-1'));
      const created = await insertDeliveries(database.db, [
        delivery('b-1'),
        delivery('b-2'),
        delivery('b-3'),
        delivery('b-3'),
      ]);
      expect(created.map((r) => r.event_id).sort()).toEqual(['b-2', 'b-3']);
      const rows = await listDeliveries(database.db, instanceId, { limit: 10 });
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
      expect(rows.find((r) => r.event_id === 'b-2')?.payload).toEqual({ id: 'b-2', text: 'olá' });
      expect(await insertDeliveries(database.db, [])).toEqual([]);
    });

    test('finishAttempts logs every attempt and settles only the deliveries whose claim is current', async () => {
      const { delivery, claimMine } = await freshWebhook();
      await insertDeliveries(database.db, ['f-1', 'f-2', 'f-3'].map(delivery));
      const [a, b, c] = (await claimMine()).sort((x, y) => x.event_id.localeCompare(y.event_id));
      await replayDelivery(database.db, c!.id); // c's claim is stale now
      const outcome = { statusCode: 200, error: null, durationMs: 4.6, logAttempt: true };
      const settled = await finishAttempts(database.db, [
        { claim: a!, outcome: { ...outcome, status: 'delivered' } },
        {
          claim: b!,
          outcome: { ...outcome, status: 'pending', retryInMs: 60_000, statusCode: 503, error: 'HTTP 503' },
        },
        { claim: c!, outcome: { ...outcome, status: 'delivered' } },
      ]);
      expect([...settled].sort()).toEqual([a!.id, b!.id].sort());
      const [ra, rb, rc] = await Promise.all([a, b, c].map((x) => getDelivery(database.db, x!.id)));
      expect(ra).toMatchObject({ status: 'delivered', last_status: 200, last_duration_ms: 5, locked_until: null });
      expect(ra?.delivered_at).toBeInstanceOf(Date);
      expect(rb).toMatchObject({ status: 'pending', last_status: 503, last_error: 'HTTP 503', locked_until: null });
      expect(rb!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(rb?.delivered_at).toBeNull();
      expect(rc).toMatchObject({ status: 'pending', attempts: 0, locked_until: null }); // the replay stands
      for (const row of [ra, rb, rc]) expect(row?.attempt_log.map((x) => x.attempt)).toEqual([1]);
      expect(await finishAttempts(database.db, [])).toEqual(new Set());
    });

    test('finishAttempts numbers two attempts of one delivery in one batch in order', async () => {
      const { delivery, claimMine } = await freshWebhook();
      await insertDeliveries(database.db, [delivery('n-1')]);
      const [claim] = await claimMine();
      const outcome = { status: 'pending' as const, retryInMs: 0, statusCode: 500, error: 'HTTP 500', durationMs: 1 };
      await finishAttempts(database.db, [
        { claim: claim!, outcome: { ...outcome, logAttempt: true } },
        { claim: { ...claim!, attempts: 99 }, outcome: { ...outcome, statusCode: 502, logAttempt: true } },
      ]);
      const row = await getDelivery(database.db, claim!.id);
      expect(row?.attempt_log.map((x) => [x.attempt, x.status_code])).toEqual([
        [1, 500],
        [2, 502],
      ]);
      expect(row).toMatchObject({ last_status: 500, attempts: 1 });
    });

    test('releaseClaims gives a claim back without spending its attempt; a stale claim is left alone', async () => {
      const { delivery, claimMine } = await freshWebhook();
      await insertDeliveries(database.db, ['r-1', 'r-2'].map(delivery));
      const [a, b] = (await claimMine()).sort((x, y) => x.event_id.localeCompare(y.event_id));
      expect(
        await releaseClaims(database.db, [a!, { ...b!, locked_until: new Date(b!.locked_until.getTime() + 1) }]),
      ).toBe(1);
      expect(await getDelivery(database.db, a!.id)).toMatchObject({
        attempts: 0,
        locked_until: null,
        status: 'pending',
      });
      expect(await getDelivery(database.db, b!.id)).toMatchObject({ attempts: 1, locked_until: b!.locked_until });
      const again = await claimMine();
      expect(again.map((c) => [c.id, c.attempts])).toEqual([[a!.id, 1]]);
      expect(await releaseClaims(database.db, [])).toBe(0);
    });
  });
});
