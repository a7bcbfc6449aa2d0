import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import type { LinkPreview } from '../../contracts/message-content.ts';
import { toJsonb } from '../jsonb.ts';
import type { DB } from '../schema.ts';
import type { Direction, MessageRow, MessageStatus } from '../tables/messages.ts';
import { eventsOutboxRepo } from './events-outbox.ts';
import { allowedFrom, pendingStatuses } from './message-status.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewOutboundMessage {
  id?: string;
  instanceId: string;
  remoteJid: string;
  type: string;
  content: Record<string, unknown>;
  idempotencyKey?: string | undefined;
  expiresAt?: Date | undefined;
}

/** What the sender-worker stored for a message's media; the row keeps these, not the bytes. */
export interface StoredMedia {
  key: string;
  /** Bytes stored. */
  size: number;
  contentType: string;
}

/** A queued row the broker never got, as the relay publishes it. */
export type UnpublishedMessage = Pick<MessageRow, 'id' | 'instance_id'>;

export interface AcceptedMessage {
  id: string;
  status: MessageStatus;
  /** False when the idempotency key was used before: the id is the original's. */
  created: boolean;
}

const foreignKeyViolation = '23503';

// The conflict target is the partial unique index messages_idempotency.
const acceptSql = `INSERT INTO messages
  (id, instance_id, direction, remote_jid, type, content, status, history, idempotency_key, published_at, expires_at)
  VALUES ($1, $2, 'outbound', $3, $4, $5, 'queued', $6, $7, NULL, $8)
  ON CONFLICT (instance_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id`;
const markPublishedSql = `UPDATE messages SET published_at = now()
  WHERE id = ANY($1::uuid[]) AND status = 'queued' AND published_at IS NULL`;
const idempotentSql = 'SELECT id, status FROM messages WHERE instance_id = $1 AND idempotency_key = $2';

/** Statuses after which a message's media is never read from the row again. */
const ended: readonly MessageStatus[] = ['failed', 'cancelled', 'expired'];

/**
 * `content` without the client's base64 media (megabytes each): the database drops it, so a
 * read never carries it into this process. Reads for display select this, never `content` itself.
 */
const contentWithoutBase64 = sql<Record<string, unknown>>`content - 'base64'`.as('content');
/** Once a message is past needing it; the same datum (no rewrite) when there is none. */
const stripBase64 = sql<string>`CASE WHEN content ? 'base64' THEN content - 'base64' ELSE content END`;
const viewColumns = [
  'id',
  'instance_id',
  'direction',
  'seq',
  'remote_jid',
  'type',
  'media_key',
  'status',
  'history',
  'wa_message_id',
  'participant',
  'error',
  'idempotency_key',
  'published_at',
  'expires_at',
  'created_at',
  'updated_at',
] as const;

export const messagesRepo = {
  /**
   * The API's insert of an accepted message (queued, unpublished): one pre-written statement
   * returning only the id. Hot path of ingest: no query building, no row parsed back. With
   * an idempotency key already used for the instance, answers the original's id and status
   * with `created: false`. Undefined when the instance no longer exists (the foreign key
   * refused the row), so a caller holding a stale instance row learns it here.
   */
  async acceptOutbound(db: Db, m: NewOutboundMessage): Promise<AcceptedMessage | undefined> {
    const id = m.id ?? randomUUID();
    const history = JSON.stringify([{ status: 'queued', at: new Date().toISOString() }]);
    const params = [
      id,
      m.instanceId,
      m.remoteJid,
      m.type,
      toJsonb(m.content),
      history,
      m.idempotencyKey ?? null,
      m.expiresAt?.toISOString() ?? null,
    ];
    try {
      const inserted = await db.executeQuery<{ id: string }>(CompiledQuery.raw(acceptSql, params));
      if (inserted.rows.length > 0) return { id, status: 'queued', created: true };
    } catch (error) {
      if ((error as { code?: string }).code === foreignKeyViolation) return undefined;
      throw error;
    }
    const original = await db.executeQuery<{ id: string; status: MessageStatus }>(
      CompiledQuery.raw(idempotentSql, [m.instanceId, m.idempotencyKey ?? '']),
    );
    const row = original.rows[0];
    // The conflicting row went between the insert and this read (its instance was deleted).
    if (!row) return undefined;
    return { id: row.id, status: row.status, created: false };
  },

  /** Stores an inbound message once (keyed by its WhatsApp id); false when it was already stored. */
  async insertInbound(
    db: Db,
    m: {
      instanceId: string;
      remoteJid: string;
      type: string;
      content: Record<string, unknown>;
      waMessageId: string;
      mediaKey?: string | null;
      /** The author of a group message (`key.participant`). */
      participant?: string | null;
    },
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const result = await db
      .insertInto('messages')
      .values({
        id: randomUUID(),
        instance_id: m.instanceId,
        direction: 'inbound' satisfies Direction,
        remote_jid: m.remoteJid,
        type: m.type,
        content: toJsonb(m.content),
        media_key: m.mediaKey ?? null,
        status: 'delivered',
        history: JSON.stringify([{ status: 'delivered', at: now }]),
        wa_message_id: m.waMessageId,
        participant: m.participant ?? null,
        error: null,
        idempotency_key: null,
        published_at: new Date(),
        expires_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['instance_id', 'wa_message_id']).where('wa_message_id', 'is not', null).doNothing(),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** The whole row, base64 media included while the row still has it: for the workers that send it. */
  get(db: Db, id: string): Promise<MessageRow | undefined> {
    return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** A message of the instance as the API shows it: `content` without base64 media. */
  view(db: Db, instanceId: string, id: string): Promise<MessageRow | undefined> {
    return db
      .selectFrom('messages')
      .select([...viewColumns, contentWithoutBase64])
      .where('id', '=', id)
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
  },

  getByWaId(db: Db, instanceId: string, waMessageId: string): Promise<MessageRow | undefined> {
    return db
      .selectFrom('messages')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .where('wa_message_id', '=', waMessageId)
      .executeTakeFirst();
  },

  /**
   * Compare-and-set to `to` from the statuses allowed to reach it (message-status.ts).
   * Returns the updated row, or undefined when the row was not in an allowed status.
   * With `media` (stored in the blob store) or into a status that ends the message, the
   * client's base64 leaves the row; stored media leaves its size and type in `content`.
   */
  async transition(
    db: Db,
    id: string,
    to: Exclude<MessageStatus, 'queued'>,
    extra: { reason?: string; waMessageId?: string; media?: StoredMedia; preview?: LinkPreview } = {},
  ): Promise<MessageRow | undefined> {
    const { media } = extra;
    const entry = JSON.stringify([
      { status: to, at: new Date().toISOString(), ...(extra.reason ? { reason: extra.reason } : {}) },
    ]);
    return db
      .updateTable('messages')
      .set({
        status: to,
        history: sql`history || ${entry}::jsonb`,
        updated_at: sql`now()`,
        ...(extra.reason !== undefined ? { error: extra.reason } : {}),
        ...(extra.waMessageId !== undefined ? { wa_message_id: extra.waMessageId } : {}),
        ...(media !== undefined
          ? {
              media_key: media.key,
              // The client's mimetype, when it gave one, stays: it is what WhatsApp is told.
              content: sql<string>`jsonb_build_object('mimetype', ${media.contentType}::text) || (content - 'base64') || jsonb_build_object('media_size', ${media.size}::bigint)`,
            }
          : extra.preview !== undefined
            ? { content: sql<string>`content || ${JSON.stringify({ preview: extra.preview })}::jsonb` }
            : ended.includes(to)
              ? { content: stripBase64 }
              : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', allowedFrom[to])
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * The sender-worker's claim of a queued row: straight to `ready` when there is nothing to
   * prepare (no media to fetch or decode, not expired), else to `preparing`. One
   * compare-and-set on `queued`, so a duplicate job gets nothing.
   */
  claimQueued(db: Db, id: string): Promise<MessageRow | undefined> {
    const at = new Date().toISOString();
    const entry = (status: MessageStatus) => JSON.stringify([{ status, at }]);
    // An expired row goes through `preparing` too: prepare() ends it `expired` with its event.
    // A text with a link goes through `preparing` too, for its preview (unless it says link_preview: false).
    const needsPreparing = sql<boolean>`(content ? 'media_url' OR content ? 'base64' OR expires_at <= now()
      OR (type = 'text' AND content->>'text' ~* 'https?://' AND content->'link_preview' IS DISTINCT FROM 'false'::jsonb))`;
    return db
      .updateTable('messages')
      .set({
        status: sql`CASE WHEN ${needsPreparing} THEN 'preparing' ELSE 'ready' END`,
        history: sql`history || CASE WHEN ${needsPreparing} THEN ${entry('preparing')}::jsonb ELSE ${entry('ready')}::jsonb END`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Records that the broker has these messages, for the relay. Only rows still `queued` are
   * written: the relay and the sweeper look at published_at of queued rows alone, and a row
   * the sender-worker has claimed already would be a second write for nothing (the common
   * case when the workers keep up). One array parameter: no statement built per id.
   */
  async markPublished(db: Db, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.executeQuery(CompiledQuery.raw(markPublishedSql, [ids]));
  },

  /**
   * Hands `publish` up to `limit` committed rows the broker never got (queued, unpublished,
   * created before `createdBefore`), oldest first, and marks published the rows it answers, in
   * one transaction: the batch stays locked (FOR UPDATE SKIP LOCKED) until marked, so replicas
   * relay disjoint rows. Returns the rows published.
   */
  relayUnpublished(
    db: Kysely<DB>,
    q: { createdBefore: Date; limit: number },
    publish: (rows: UnpublishedMessage[]) => Promise<UnpublishedMessage[]>,
  ): Promise<UnpublishedMessage[]> {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('messages')
        .select(['id', 'instance_id'])
        .where('published_at', 'is', null)
        .where('direction', '=', 'outbound')
        .where('status', '=', 'queued')
        .where('created_at', '<', q.createdBefore)
        .orderBy('created_at')
        .limit(q.limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const published = await publish(rows);
      await messagesRepo.markPublished(
        trx,
        published.map((r) => r.id),
      );
      return published;
    });
  },

  /**
   * Ends the message `status` with `reason` (see `transition`) and writes its event in the same
   * transaction. False when the row had already moved on: then nothing is written.
   */
  endWithEvent(
    db: Kysely<DB>,
    id: string,
    end: { status: 'failed' | 'expired'; reason: string },
    event: EventEnvelope,
  ): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      if (!(await messagesRepo.transition(trx, id, end.status, { reason: end.reason }))) return false;
      await eventsOutboxRepo.add(trx, event);
      return true;
    });
  },

  /** Cancels what has not been sent yet; returns the cancelled ids. */
  async cancelPending(db: Db, instanceId: string): Promise<string[]> {
    const entry = JSON.stringify([{ status: 'cancelled', at: new Date().toISOString() }]);
    const rows = await db
      .updateTable('messages')
      .set({
        status: 'cancelled',
        history: sql`history || ${entry}::jsonb`,
        content: stripBase64,
        updated_at: sql`now()`,
      })
      .where('instance_id', '=', instanceId)
      .where('direction', '=', 'outbound')
      .where('status', 'in', pendingStatuses)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  },

  /** Newest first, as the API shows them: `content` without base64 media (see `view`). */
  list(
    db: Db,
    q: { instanceId: string; remoteJid?: string | undefined; before?: Date | undefined; limit: number },
  ): Promise<MessageRow[]> {
    let query = db
      .selectFrom('messages')
      .select([...viewColumns, contentWithoutBase64])
      .where('instance_id', '=', q.instanceId);
    if (q.remoteJid) query = query.where('remote_jid', '=', q.remoteJid);
    if (q.before) query = query.where('created_at', '<', q.before);
    return query.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(q.limit).execute();
  },
};
