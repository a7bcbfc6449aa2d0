import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import { toJsonb } from '../jsonb.ts';
import type { DB } from '../schema.ts';
import type { MessageRow, MessageStatus } from '../tables/messages.ts';
import { authStateRepo, type KeyUpserts } from './auth-state.ts';
import { type Fence, heldFences, heldFencesSql, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';
import { allowedFrom, pendingStatuses } from './message-status.ts';

/** Not on the wire yet: a later message to the same chat waits for these (messages_chat_unsent). */
const unsent: readonly MessageStatus[] = [...pendingStatuses, 'sending'];

const historyEntry = (to: MessageStatus, reason?: string) =>
  JSON.stringify([{ status: to, at: new Date().toISOString(), ...(reason ? { reason } : {}) }]);

/**
 * Status lists as SQL literals: they are our own constants, and inlined they are part of the
 * statement's text rather than a dozen parameters to build and bind on every call.
 */
const statuses = (values: readonly MessageStatus[]) => {
  for (const v of values) if (!/^[a-z_]+$/.test(v)) throw new Error(`not a status: ${v}`);
  return sql.raw(values.map((v) => `'${v}'`).join(', '));
};
const unsentSql = statuses(unsent);
const claimableSql = statuses(allowedFrom.sending);
const sentFromSql = statuses(allowedFrom.sent);
const sentOrAfterSql = statuses([...allowedFrom.sent, 'delivered', 'read']);
const deliveredFromSql = statuses(allowedFrom.delivered);
const readFromSql = statuses(allowedFrom.read);
/** The message is within its TTL (or has none); `now()` is the statement's start. */
const unexpiredSql = sql`(messages.expires_at IS NULL OR messages.expires_at > now())`;
const transitionFromSql = Object.fromEntries(
  Object.entries(allowedFrom).map(([to, from]) => [to, statuses(from)]),
) as Record<keyof typeof allowedFrom, RawBuilder<unknown>>;

/**
 * The message writes a session-worker makes for every send and receipt, each ONE statement: a
 * CTE share-locks the instance row while its fence (lease token) is current, and the update — and
 * the events it emits — only apply where the fence holds. So they commit together, a concurrent
 * claim waits for them, and a stale holder writes nothing: the guarantees of a fenced transaction
 * in one round trip. `markSent` and `ack` take items of many instances (each with its own fence),
 * so the session-worker can group-commit them (MessageWrites). Written as SQL, not built per
 * call: they run several times per message.
 *
 * The statement also returns which fences held, so "no row moved" (a compare-and-set that did
 * not apply) and "the fence did not hold" (StaleFenceError) are told apart without a second read.
 */
export const fencedMessagesRepo = {
  /**
   * Claims the next messages of one chat for sending, in acceptance order: the longest run of the
   * chat's unsent outbound messages that are all `ready` (or `sending`: claimed before, by a holder
   * that died or a pass that stopped), at most `limit`, moved to `sending` with the WhatsApp id
   * they will be sent with (derived from our id, as `waMessageIdFor`, so a receipt can find the
   * row before `sent` is written). The run stops at the first message still being prepared, so a
   * message never overtakes an earlier one to its chat.
   *
   * A message past its `expires_at` is never claimed, whatever its status, and holds nothing up:
   * nobody sends it any more — the sweeper ends it `expired`, or `failed` with
   * `delivery_unknown` when it was `sending`. So a re-send of a message whose owner died mid-send
   * (same WhatsApp id, which the recipient de-duplicates) only ever happens within its TTL.
   */
  async claimChat(db: Kysely<DB>, fence: Fence, chat: string, limit: number): Promise<ClaimedRow[]> {
    const [claimed] = await fencedMessagesRepo.claimChats(db, [{ fence, chat, limit }]);
    if (claimed instanceof Error) throw claimed;
    return claimed ?? [];
  },

  /**
   * `claimChat` for several chats, of one instance or many (each under its own fence), in one
   * statement: each item answers its rows in acceptance order, or a StaleFenceError. One chat
   * at most once per call.
   */
  async claimChats(db: Kysely<DB>, items: readonly ClaimItem[]): Promise<Array<ClaimedRow[] | Error>> {
    if (items.length === 0) return [];
    const r = (pick: (x: ClaimItem) => unknown) => items.map(pick);
    const { rows, held } = await fencedMany<ClaimedRow & { _ord: number }>(
      db,
      items.map((i) => i.fence),
      sql`WITH input AS (
          SELECT * FROM unnest(${r((x) => x.fence.instanceId)}::uuid[], ${r((x) => x.fence.token)}::bigint[],
            ${r((x) => x.chat)}::text[], ${r((x) => x.limit)}::int[]) WITH ORDINALITY AS t(instance_id, token, chat, lim, ord)
          WHERE (instance_id, token) IN (SELECT id, token FROM fence)),
        head AS (
          SELECT input.ord, m.id, m.seq, m.status FROM input CROSS JOIN LATERAL (
            SELECT id, seq, status FROM messages
            WHERE instance_id = input.instance_id AND remote_jid = input.chat AND direction = 'outbound'
              AND status IN (${unsentSql}) AND ${unexpiredSql}
            ORDER BY seq LIMIT input.lim) m),
        pick AS (
          SELECT ord, id FROM head
          WHERE status IN (${claimableSql})
            AND NOT EXISTS (SELECT 1 FROM head stop
              WHERE stop.ord = head.ord AND stop.seq < head.seq AND stop.status NOT IN (${claimableSql}))),
        ${lockedInOrder(sql`SELECT messages.id FROM messages JOIN pick USING (id)`)}
        UPDATE messages SET
          status = 'sending',
          history = history || ${historyEntry('sending')}::jsonb,
          updated_at = now(),
          wa_message_id = coalesce(wa_message_id, ${waMessageIdSql})
        FROM pick
        WHERE messages.id = pick.id AND messages.id IN (SELECT id FROM locked) AND messages.status IN (${claimableSql})
          AND ${unexpiredSql}
        RETURNING ${claimedColumns}, pick.ord::int AS _ord`,
      sql``,
      { order: sql`ORDER BY moved._ord, moved.seq` },
    );
    const byItem = items.map((): ClaimedRow[] => []);
    for (const { _ord, ...row } of rows) byItem[_ord - 1]?.push(row);
    return items.map((item, i) => (held(item.fence) ? (byItem[i] as ClaimedRow[]) : StaleFenceError.of(item.fence)));
  },

  /**
   * Compare-and-set to `to` (message-status.ts) under the fence, emitting `event` into
   * events_outbox in the same statement when — and only when — the status moved.
   */
  async transition(
    db: Kysely<DB>,
    fence: Fence,
    id: string,
    to: Exclude<MessageStatus, 'queued'>,
    extra: { reason?: string; waMessageId?: string } = {},
    event?: EventEnvelope,
  ): Promise<MessageRow | undefined> {
    const emitted = event ? emitEach(event.event, sql`${toJsonb(event)}::jsonb`) : sql``;
    const rows = await fencedOne<MessageRow>(
      db,
      fence,
      sql`UPDATE messages SET
          status = ${to},
          history = history || ${historyEntry(to, extra.reason)}::jsonb,
          updated_at = now(),
          error = coalesce(${extra.reason ?? null}::text, error),
          wa_message_id = coalesce(${extra.waMessageId ?? null}::text, wa_message_id)
        WHERE id = ${id} AND instance_id = ${fence.instanceId}
          AND status IN (${transitionFromSql[to]})
          AND EXISTS (SELECT 1 FROM fence)
        RETURNING *`,
      emitted,
    );
    return rows[0];
  },

  /**
   * The messages are on the wire: `sending → sent` for each, and its `message.sent` in every case —
   * also when the recipient's receipt was faster than this write and already moved it to
   * `delivered` or `read` (then the status stays, and only the event is written). An event's
   * deterministic id makes a second one a no-op. Answers each item: its row, undefined (it had
   * ended otherwise), or a StaleFenceError.
   */
  async markSent(db: Kysely<DB>, items: readonly SentItem[]): Promise<Array<WrittenRow | undefined | Error>> {
    if (items.length === 0) return [];
    return (await markSentStatement(db, items, [])).sent;
  },

  /**
   * `markSent` and the Signal-key upserts of the sends (authStateRepo.upsertKeysMany) in ONE
   * statement: a pass's sessions and its `sent` commit together or not at all. `held` tells, per
   * fence, whether its writes applied.
   */
  markSentWithKeys(
    db: Kysely<DB>,
    items: readonly SentItem[],
    keys: readonly KeyUpserts[],
  ): Promise<{ sent: Array<WrittenRow | undefined | Error>; held: (fence: Fence) => boolean }> {
    return markSentStatement(db, items, keys);
  },

  /**
   * Receipts for our messages, found by their WhatsApp ids (`delivered` or `read`, each a
   * compare-and-set, so a late "delivered" after "read" changes nothing), with a `message.ack`
   * for every one that moved. The event's `data.id` (our id) and, when the receipt named no
   * JID, `data.remote_jid` are filled in from the row by the statement. One message at most once
   * per call (a statement updates a row once). Answers each item as `markSent` does.
   */
  async ack(db: Kysely<DB>, items: readonly AckItem[]): Promise<Array<AckedRow | undefined | Error>> {
    if (items.length === 0) return [];
    const r = (pick: (x: AckItem) => unknown) => items.map(pick);
    const { rows, held } = await fencedMany<AckedRow>(
      db,
      items.map((i) => i.fence),
      sql`WITH input AS (
          SELECT * FROM unnest(
            ${r((x) => x.fence.instanceId)}::uuid[], ${r((x) => x.fence.token)}::bigint[],
            ${r((x) => x.receipt.waMessageId)}::text[], ${r((x) => x.receipt.to)}::text[],
            ${r((x) => historyEntry(x.receipt.to))}::jsonb[], ${r((x) => toJsonb(x.receipt.event))}::jsonb[],
            ${r((x) => x.receipt.remoteJid)}::text[])
          AS t(instance_id, token, wa_id, to_status, entry, envelope, receipt_jid)),
        ${lockedInOrder(
          sql`SELECT messages.id FROM messages
            JOIN input ON messages.instance_id = input.instance_id AND messages.wa_message_id = input.wa_id`,
        )}
        UPDATE messages SET
          status = input.to_status,
          history = messages.history || input.entry,
          updated_at = now()
        FROM input
        WHERE messages.id IN (SELECT id FROM locked)
          AND messages.instance_id = input.instance_id AND messages.wa_message_id = input.wa_id
          AND (input.instance_id, input.token) IN (SELECT id, token FROM fence)
          AND messages.direction = 'outbound'
          AND ((input.to_status = 'delivered' AND messages.status IN (${deliveredFromSql}))
            OR (input.to_status = 'read' AND messages.status IN (${readFromSql})))
        RETURNING messages.id, messages.status, messages.instance_id, messages.wa_message_id, jsonb_set(
            jsonb_set(input.envelope, '{data,id}', to_jsonb(messages.id)),
            '{data,remote_jid}', to_jsonb(coalesce(input.receipt_jid, messages.remote_jid))) AS _envelope`,
      emitEach('message.ack', sql`moved._envelope`),
    );
    const byWaId = new Map(rows.map((row) => [`${row.instance_id}/${row.wa_message_id}`, row]));
    return items.map((i) =>
      held(i.fence) ? byWaId.get(`${i.fence.instanceId}/${i.receipt.waMessageId}`) : StaleFenceError.of(i.fence),
    );
  },
};

/** One chat whose next messages to claim (at most `limit`), under its instance's fence. */
export interface ClaimItem {
  fence: Fence;
  chat: string;
  limit: number;
}

/** One sent message to mark, under its instance's fence. */
export interface SentItem {
  fence: Fence;
  id: string;
  event: EventEnvelope;
}

/** One receipt to apply, under its instance's fence. */
export interface AckItem {
  fence: Fence;
  receipt: Receipt;
}

/** A receipt for one of our messages, with the `message.ack` to emit if it moves the status. */
export interface Receipt {
  waMessageId: string;
  to: 'delivered' | 'read';
  event: EventEnvelope;
  /** The JID the receipt came from, or null to take the message's own. */
  remoteJid: string | null;
}

/**
 * What a send needs of a claimed row. Not the history (it grows with every status change and
 * would be parsed on every claim) nor the timestamps: the hot statements return only what their
 * callers read.
 */
const claimed = [
  'id',
  'instance_id',
  'direction',
  'seq',
  'remote_jid',
  'type',
  'content',
  'media_key',
  'status',
  'wa_message_id',
  'expires_at',
] as const satisfies readonly (keyof MessageRow)[];
export type ClaimedRow = Pick<MessageRow, (typeof claimed)[number]>;
const claimedColumns = sql.raw(claimed.map((c) => `messages.${c}`).join(', '));

/** A row a batch write moved, as far as its caller reads it. */
export type WrittenRow = Pick<MessageRow, 'id' | 'status'>;

/** A row a receipt moved, with the event as stored. */
export type AckedRow = WrittenRow & Pick<MessageRow, 'instance_id' | 'wa_message_id'> & { _envelope: EventEnvelope };

/**
 * The rows a batch will update, locked in id order first: two batches over overlapping rows (a
 * pass marking its messages sent, the receipts for them arriving meanwhile) then wait for each
 * other instead of deadlocking, as they could when UPDATE … FROM locks rows in join order.
 */
const lockedInOrder = (rows: RawBuilder<unknown>) =>
  sql`locked AS MATERIALIZED (${rows} ORDER BY messages.id FOR UPDATE OF messages)`;

/** `waMessageIdFor` (session-worker) in SQL: '3EB0' + the first 18 hex digits of sha256(id), upper case. */
const waMessageIdSql = sql`'3EB0' || upper(left(encode(sha256(convert_to(messages.id::text, 'UTF8')), 'hex'), 18))`;

/** The events_outbox insert for every row `moved` returned, its envelope taken from `envelope`. */
const emitEach = (event: string, envelope: RawBuilder<unknown>) =>
  sql`, emitted AS (
      INSERT INTO events_outbox (id, instance_id, event, envelope)
      SELECT ${envelope}->>'id', moved.instance_id, ${event}::text, ${envelope} FROM moved
      ON CONFLICT (id) DO NOTHING)`;

/**
 * Runs `update` as the `moved` CTE behind the fences, then `emitted` (more CTEs over `moved`).
 * Returns the rows it moved and which fences held (always one row back, to carry them). The
 * fences that held ride on one row only: on every row, a batch of n items from n instances
 * would read back n² of them.
 */
async function fencedMany<R extends { id: string }>(
  db: Kysely<DB>,
  fences: readonly Fence[],
  update: RawBuilder<unknown>,
  emitted: RawBuilder<unknown>,
  { order = sql``, select = sql`moved.*` }: ReadBack = {},
): Promise<{ rows: R[]; held: (fence: Fence) => boolean }> {
  const { rows } = await sql<R & { _held: string[] | null }>`
    WITH fence AS (${instanceOwnershipRepo.fenceSetSql(fences)}), moved AS (${update})${emitted}
    SELECT ${select}, CASE WHEN coalesce(moved._n, 1) = 1 THEN held.keys END AS _held
    FROM (SELECT ${heldFencesSql} AS keys FROM fence) held
    LEFT JOIN (SELECT *, row_number() OVER () AS _n FROM moved) moved ON true ${order}`.execute(db);
  return {
    rows: rows.filter((row) => row.id !== null),
    held: heldFences(rows.find((row) => row._held !== null)?._held),
  };
}

/** The statement of `markSent` / `markSentWithKeys`. */
async function markSentStatement(
  db: Kysely<DB>,
  items: readonly SentItem[],
  keys: readonly KeyUpserts[],
): Promise<{ sent: Array<WrittenRow | undefined | Error>; held: (fence: Fence) => boolean }> {
  const moves = sql`messages.status IN (${sentFromSql})`;
  const { rows, held } = await fencedMany<WrittenRow>(
    db,
    [...items.map((i) => i.fence), ...keys.map((k) => k.fence)],
    sql`WITH input AS (
        SELECT * FROM unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.fence.token)}::bigint[],
          ${items.map((i) => toJsonb(i.event))}::jsonb[]) AS t(id, token, envelope)),
      ${lockedInOrder(sql`SELECT messages.id FROM messages JOIN input USING (id)`)}
      UPDATE messages SET
        status = CASE WHEN ${moves} THEN 'sent' ELSE messages.status END,
        history = CASE WHEN ${moves} THEN messages.history || ${historyEntry('sent')}::jsonb ELSE messages.history END,
        updated_at = now()
      FROM input
      WHERE messages.id = input.id AND messages.id IN (SELECT id FROM locked)
        AND (messages.instance_id, input.token) IN (SELECT id, token FROM fence)
        AND messages.status IN (${sentOrAfterSql})
      RETURNING messages.id, messages.status, messages.instance_id, input.envelope AS _envelope`,
    sql`${emitEach('message.sent', sql`moved._envelope`)}${keys.length > 0 ? authStateRepo.upsertKeysCte(keys) : sql``}`,
    // The caller has the events: not read back.
    { select: sql`moved.id, moved.status` },
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { sent: items.map((i) => (held(i.fence) ? byId.get(i.id) : StaleFenceError.of(i.fence))), held };
}

/** How the moved rows are read back: their order, and which of their columns (default all). */
interface ReadBack {
  order?: RawBuilder<unknown>;
  select?: RawBuilder<unknown>;
}

/** `fencedMany` for one fence: the rows moved, or a StaleFenceError. */
async function fencedOne<R extends { id: string }>(
  db: Kysely<DB>,
  fence: Fence,
  update: RawBuilder<unknown>,
  emitted: RawBuilder<unknown>,
  readBack?: ReadBack,
): Promise<R[]> {
  const { rows, held } = await fencedMany<R>(db, [fence], update, emitted, readBack);
  if (!held(fence)) throw StaleFenceError.of(fence);
  return rows;
}
