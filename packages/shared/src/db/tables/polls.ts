import type { ColumnType, Generated, Selectable } from 'kysely';

/** The latest vote of one voter on a poll (`selected_options` empty: the vote was withdrawn). */
export interface PollVote {
  voter_jid: string | null;
  voter_lid: string | null;
  selected_options: string[];
  vote_wa_message_id: string;
  /** The vote's own clock (pollUpdateMessage.senderTimestampMs): a late, older vote does not replace a newer one. */
  sender_timestamp_ms: number;
}

/**
 * A poll this instance sent or received, with what decrypting its votes needs. `secret` is the
 * poll's messageSecret: never return it from the API nor put it in an event or a log.
 */
export interface PollsTable {
  instance_id: string;
  wa_message_id: string;
  message_id: string;
  /** The creator when it is a contact; null for the instance's own polls (the account's JID then). */
  creator_jid: string | null;
  creator_lid: string | null;
  /** Option names in the poll's order. */
  options: ColumnType<string[], string, string>;
  secret: Uint8Array;
  /** Voter (phone-number JID, else LID) → their latest vote. */
  votes: ColumnType<Record<string, PollVote>, string | undefined, string>;
  created_at: Generated<Date>;
}
export type PollRow = Selectable<PollsTable>;
