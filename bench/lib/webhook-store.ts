// The database side of bench/webhooks.ts: the run's instances and their webhooks, the ways events
// get to TurboZap (rows in events_outbox, or confirmed publishes to turbozap.events), and the
// delivery log read afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { onCleanup } from './children.ts';
import { type AmqpTypes, loadAmqp, loadPg, type PgTypes } from './deps.ts';
import { pgTransactions } from './services.ts';
import { benchEvent } from './webhook-events.ts';

/** Rows per INSERT into events_outbox. */
const CHUNK = 500;

export interface Instance {
  id: string;
  name: string;
  path: string;
  secret: string;
}

/** The run's own Postgres connection: injects events, reads statistics, counts its own transactions. */
export class Db {
  readonly pool: PgTypes.Pool;
  readonly database: string;
  own = 0;
  constructor(url: string, database: string) {
    this.database = database;
    this.pool = new (loadPg().Pool)({ connectionString: url, max: 2 });
    this.pool.on('error', () => undefined);
  }
  async query<T extends PgTypes.QueryResultRow = PgTypes.QueryResultRow>(text: string, values?: unknown[]) {
    this.own++;
    return this.pool.query<T>(text, values);
  }
  transactions(): Promise<number> {
    return pgTransactions(this, this.database);
  }
}

/** `count` connected instances, each with a webhook to `base` + its own path and secret. */
export async function createInstances(db: Db, base: string, count: number): Promise<Instance[]> {
  const instances: Instance[] = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `hook${i}`,
    path: `/hook/${i}`,
    secret: `whsec_${randomBytes(32).toString('base64url')}`,
  }));
  for (const i of instances) {
    await db.query(`INSERT INTO instances (id, name, status) VALUES ($1, $2, 'connected')`, [i.id, i.name]);
    await db.query(
      `INSERT INTO webhooks (id, instance_id, url, events, secret, enabled, headers)
       VALUES ($1, $2, $3, '{}', $4, true, '{}')`,
      [randomUUID(), i.id, `${base}${i.path}`, i.secret],
    );
  }
  return instances;
}

type EventEnvelope = ReturnType<typeof benchEvent>;
/** Hands a chunk of events to TurboZap; resolves once they are committed / confirmed. */
export type Sink = (envelopes: EventEnvelope[]) => Promise<void>;

/** Rows in events_outbox (one multi-row INSERT per chunk), for the sender-worker's relay. */
export const outboxSink =
  (db: Db): Sink =>
  async (envelopes) => {
    const params: unknown[] = [];
    const tuples = envelopes.map((e, i) => {
      params.push(e.id, e.instance.id, e.event, JSON.stringify(e));
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    await db.query(`INSERT INTO events_outbox (id, instance_id, event, envelope) VALUES ${tuples.join(', ')}`, params);
  };

/** Confirmed, persistent publishes to turbozap.events, as EventPublisher makes them. */
export async function exchangeSink(amqpUrl: string): Promise<Sink> {
  const connection = await loadAmqp().connect(amqpUrl);
  const channel: AmqpTypes.ConfirmChannel = await connection.createConfirmChannel();
  onCleanup(async () => {
    await channel.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  });
  return async (envelopes) => {
    for (const e of envelopes) {
      const ok = channel.publish('turbozap.events', `${e.event}.${e.instance.id}`, Buffer.from(JSON.stringify(e)), {
        persistent: true,
        messageId: e.id,
        headers: {},
      });
      if (!ok) await new Promise((r) => channel.once('drain', r));
    }
    await channel.waitForConfirms();
  };
}

/** Injects `count` events at `rate` per second (0: as fast as they are taken); notes when each left. */
export async function inject(
  sink: Sink,
  instances: Instance[],
  tag: string,
  count: number,
  rate: number,
  at: Map<string, number>,
) {
  const started = performance.now();
  for (let from = 0; from < count; ) {
    const size = rate > 0 ? Math.min(count - from, Math.max(1, Math.round(rate / 20))) : Math.min(CHUNK, count - from);
    const envelopes = Array.from({ length: size }, (_, i) =>
      benchEvent(instances[(from + i) % instances.length] as Instance, tag, from + i),
    );
    const now = Date.now();
    for (const e of envelopes) at.set(e.id, now);
    await sink(envelopes);
    from += size;
    if (rate > 0) {
      const wait = started + (from / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export interface DeliveryLog {
  byStatus: Record<string, number>;
  attempts: number;
  multiAttempt: number;
}

export async function deliveryLog(db: Db): Promise<DeliveryLog> {
  const status = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status',
  );
  const attempts = await db.query<{ n: string; multi: string }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE c > 1) AS multi
       FROM (SELECT delivery_id, count(*) AS c FROM webhook_attempts GROUP BY delivery_id) a`,
  );
  const total = await db.query<{ n: string }>('SELECT count(*) AS n FROM webhook_attempts');
  return {
    byStatus: Object.fromEntries(status.rows.map((r) => [r.status, Number(r.n)])),
    attempts: Number(total.rows[0]?.n),
    multiAttempt: Number(attempts.rows[0]?.multi),
  };
}
