import { authStateRepo, type KeyRef, type SealedValue } from '@turbozap/shared/db/repositories/auth-state';
import {
  type AckedRow,
  type AckItem,
  fencedMessagesRepo,
  type SentItem,
  type WrittenRow,
} from '@turbozap/shared/db/repositories/fenced-messages';
import type { Fence } from '@turbozap/shared/db/repositories/instance-ownership';
import { GroupCommit } from '@turbozap/shared/util/group-commit';
import type { Db } from './db-types.ts';

interface KeysItem {
  fence: Fence;
  upserts: Array<KeyRef & SealedValue>;
}

/** Statements in flight per kind: the rest of the process's writes of that kind queue behind them. */
const CONCURRENCY = 1;

/**
 * The per-message writes of every instance this process holds, group-committed: a `sent`, a
 * receipt or a Signal-key update is written at once when a slot is free, and the ones that arrive while both are busy go
 * together in the next statement. With 50 instances sending a message each now and then, that
 * is what turns one statement per message into one per batch (an instance's own passes batch
 * only its own chat). Each item keeps its own fence: a stale one is refused alone.
 */
export class MessageWrites {
  readonly #sent: GroupCommit<SentItem, WrittenRow | undefined>;
  readonly #acks: GroupCommit<AckItem, AckedRow | undefined>;
  readonly #keys: GroupCommit<KeysItem, undefined>;

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
    // An instance's key writes (Baileys' commits) stay in its order: one per statement, one at a time.
    this.#keys = new GroupCommit((items) => authStateRepo.upsertKeysMany(db, items), {
      concurrency: CONCURRENCY,
      key: (item) => item.fence.instanceId,
    });
  }

  /** Signal-key upserts of one instance (a session ratcheted by a send), with other instances' (authStateRepo). */
  upsertKeys(fence: Fence, upserts: Array<KeyRef & SealedValue>): Promise<undefined> {
    return this.#keys.submit({ fence, upserts });
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
