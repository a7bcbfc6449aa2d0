import { type Kysely, sql, type Transaction } from 'kysely';
import { toJsonb } from '../jsonb.ts';
import type { DB } from '../schema.ts';
import type { PollRow, PollVote } from '../tables/polls.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewPoll {
  instanceId: string;
  waMessageId: string;
  messageId: string;
  creatorJid?: string | null;
  creatorLid?: string | null;
  options: string[];
  secret: Uint8Array;
}

/** A poll's decryption material and votes. `secret` never leaves the session-worker. */
export const pollsRepo = {
  /**
   * Records a poll once (keyed by its WhatsApp id) and answers the row as stored: a second call
   * for the same poll — a resend after a crash — gets the first secret back, so every copy on
   * the wire carries the same one.
   */
  async remember(db: Db, p: NewPoll): Promise<PollRow> {
    await db
      .insertInto('polls')
      .values({
        instance_id: p.instanceId,
        wa_message_id: p.waMessageId,
        message_id: p.messageId,
        creator_jid: p.creatorJid ?? null,
        creator_lid: p.creatorLid ?? null,
        options: toJsonb(p.options),
        secret: Buffer.from(p.secret),
      })
      .onConflict((oc) => oc.columns(['instance_id', 'wa_message_id']).doNothing())
      .execute();
    const row = await pollsRepo.get(db, p.instanceId, p.waMessageId);
    if (!row) throw new Error('poll row vanished right after its insert');
    return row;
  },

  get(db: Db, instanceId: string, waMessageId: string): Promise<PollRow | undefined> {
    return db
      .selectFrom('polls')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .where('wa_message_id', '=', waMessageId)
      .executeTakeFirst();
  },

  async replaceSecret(db: Db, instanceId: string, waMessageId: string, secret: Uint8Array): Promise<void> {
    await db
      .updateTable('polls')
      .set({ secret: Buffer.from(secret) })
      .where('instance_id', '=', instanceId)
      .where('wa_message_id', '=', waMessageId)
      .execute();
  },

  /**
   * Stores `vote` as `voter`'s latest unless a vote of theirs with a later sender clock is
   * stored already (votes may arrive out of order). True when it was stored.
   */
  async recordVote(db: Db, instanceId: string, waMessageId: string, voter: string, vote: PollVote): Promise<boolean> {
    const result = await db
      .updateTable('polls')
      .set({ votes: sql`jsonb_set(votes, ARRAY[${voter}::text], ${toJsonb(vote)}::jsonb)` })
      .where('instance_id', '=', instanceId)
      .where('wa_message_id', '=', waMessageId)
      .where(
        sql<boolean>`coalesce((votes -> ${voter}::text ->> 'sender_timestamp_ms')::bigint, -1) <= ${vote.sender_timestamp_ms}`,
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },
};
