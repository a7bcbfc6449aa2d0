import { authStateRepo, type KeyRef, type SealedValue } from '@turbozap/shared/db/repositories/auth-state';
import {
  type AckedRow,
  type AckItem,
  type ClaimedRow,
  type ClaimItem,
  fencedMessagesRepo,
  type SentItem,
  type WrittenRow,
} from '@turbozap/shared/db/repositories/fenced-messages';
import { type Fence, StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { GroupCommit } from '@turbozap/shared/util/group-commit';
import type { Db } from './db-types.ts';
import type { SendPass } from './outbound/send-pass.ts';

interface KeysItem {
  fence: Fence;
  upserts: Array<KeyRef & SealedValue>;
  /** A send pass's `sent` writes, committed in the same statement as its keys. */
  sent: SentItem[];
}

/** What a key commit wrote for the pass riding on it: each `sent` item's row, or undefined. */
interface KeysResult {
  sent: Array<WrittenRow | undefined | Error>;
}

/** Statements in flight per kind: the rest of the process's writes of that kind queue behind them. */
const CONCURRENCY = 1;

/**
 * The per-message writes of every instance this process holds, group-committed: a claim, a
 * `sent`, a receipt or a Signal-key update is written at once when a slot is free, and the ones
 * that arrive while it is busy go together in the next statement. With 50 instances sending a
 * message each now and then, that is what turns one statement per message into one per batch
 * (an instance's own passes batch only its own chat). Each item keeps its own fence: a stale one
 * is refused alone.
 *
 * A send pass's `sent` writes ride on its Signal-key commit when they can (SendPass): the
 * sessions a pass ratcheted and the messages it sent are then written together or not at all,
 * one statement instead of two.
 */
export class MessageWrites {
  readonly #sent: GroupCommit<SentItem, WrittenRow | undefined>;
  readonly #acks: GroupCommit<AckItem, AckedRow | undefined>;
  readonly #keys: GroupCommit<KeysItem, KeysResult>;
  readonly #claims: GroupCommit<ClaimItem, ClaimedRow[]>;

  constructor(db: Db) {
    this.#sent = new GroupCommit((items) => fencedMessagesRepo.markSent(db, items), {
      concurrency: CONCURRENCY,
      key: (item) => item.id,
    });
    // One message's receipts ("delivered", then "read") never share a statement or overtake each other.
    this.#acks = new GroupCommit((items) => fencedMessagesRepo.ack(db, items), {
      concurrency: CONCURRENCY,
      key: (item) => `${item.fence.instanceId}/${item.receipt.waMessageId}`,
    });
    // A chat is claimed by one pass at a time anyway; the key keeps a batch to one claim per chat.
    this.#claims = new GroupCommit((items) => fencedMessagesRepo.claimChats(db, items), {
      concurrency: CONCURRENCY,
      key: (item) => `${item.fence.instanceId}/${item.chat}`,
      single: (item) => fencedMessagesRepo.claimChat(db, item.fence, item.chat, item.limit),
    });
    // An instance's key writes (Baileys' commits) stay in its order: one per statement, one at a time.
    this.#keys = new GroupCommit((items) => commitKeys(db, items), {
      concurrency: CONCURRENCY,
      key: (item) => item.fence.instanceId,
    });
  }

  /**
   * Signal-key upserts of one instance (a session ratcheted by a send), with other instances'
   * (authStateRepo), and the `sent` writes of the pass they end, if any (SendPass).
   */
  async upsertKeys(fence: Fence, upserts: Array<KeyRef & SealedValue>, pass?: SendPass): Promise<undefined> {
    const sent = pass?.itemsFor(fence) ?? [];
    const result = await this.#keys.submit({ fence, upserts, sent });
    if (pass && sent.length > 0) pass.rode(result.sent);
    return undefined;
  }

  /** The next messages of one chat to send (fencedMessagesRepo.claimChats), claimed with other chats'. */
  claim(item: ClaimItem): Promise<ClaimedRow[]> {
    return this.#claims.submit(item);
  }

  /**
   * `sending → sent` + `message.sent` (fencedMessagesRepo.markSent) for each item, submitted
   * together; each answers its row, undefined when it had ended otherwise, or rejects (stale fence).
   */
  markSent(items: readonly SentItem[]): Promise<WrittenRow | undefined>[] {
    return this.#sent.submitAll(items);
  }

  /** Receipts + `message.ack` (fencedMessagesRepo.ack), as `markSent`; undefined when one moved nothing. */
  ack(items: readonly AckItem[]): Promise<AckedRow | undefined>[] {
    return this.#acks.submitAll(items);
  }
}

/** Key upserts of several instances, with the `sent` writes riding on them, in one statement. */
async function commitKeys(db: Db, items: KeysItem[]): Promise<Array<KeysResult | Error>> {
  const sent = items.flatMap((item) => item.sent);
  if (sent.length === 0) return (await authStateRepo.upsertKeysMany(db, items)).map((error) => error ?? { sent: [] });
  const written = await fencedMessagesRepo.markSentWithKeys(db, sent, items);
  let at = 0;
  return items.map((item) => {
    const mine = written.sent.slice(at, at + item.sent.length);
    at += item.sent.length;
    return written.held(item.fence) ? { sent: mine } : StaleFenceError.of(item.fence);
  });
}
