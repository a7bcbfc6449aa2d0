import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import type { ClaimedRow, SentItem, WrittenRow } from '@turbozap/shared/db/repositories/fenced-messages';
import type { Fence } from '@turbozap/shared/db/repositories/instance-ownership';
import type { SignalKeyStore } from '@whiskeysockets/baileys';
import { rideOnKeyCommit } from '../connection/key-commit-rider.ts';
import type { Outcome } from './chat-drain.ts';

/** Each `sent` item's row as a statement wrote it: undefined when it had ended otherwise, an Error when refused. */
export type SentRows = ReadonlyArray<WrittenRow | undefined | Error>;

/**
 * One pass over a chat (OutboundSender): what it did with the rows it claimed, and how its
 * `sent` writes reach the database.
 *
 * The pass runs inside one Baileys key transaction, and its `sent` writes ride on that
 * transaction's commit: `rideOnKeys` is the transaction's last write, the auth store hands the
 * pass to the grouped key write (MessageWrites.upsertKeys), which takes `itemsFor` and writes
 * them in the same statement as the keys, then `rode` keeps what it wrote. The sessions the pass
 * ratcheted and the messages it sent are then stored together or not at all, in one statement
 * instead of two. When the keys take another path (deletes, many keys), nothing rides: `close`
 * then answers undefined and the sender writes `sent` itself.
 */
export class SendPass {
  readonly fence: Fence;
  readonly sent: { row: ClaimedRow; event: EventEnvelope }[] = [];
  readonly failed: { row: ClaimedRow; reason: string }[] = [];
  readonly outcomes = new Map<string, Outcome>();
  /** Nothing more can be sent now (consuming stopped, socket gone). */
  stopped = false;
  /** The pass ended before its last row. */
  broke = false;
  #written: SentRows | undefined;
  #closed = false;

  constructor(fence: Fence) {
    this.fence = fence;
  }

  /** Within the pass's key transaction, after its last send: the `sent` writes ride on its commit. */
  async rideOnKeys(keys: SignalKeyStore): Promise<void> {
    if (this.sent.length > 0) await rideOnKeyCommit(keys, this);
  }

  /** For the key commit the pass rides on: the `sent` writes to make with `fence`'s keys (none once closed). */
  itemsFor(fence: Fence): SentItem[] {
    const same = fence.instanceId === this.fence.instanceId && fence.token === this.fence.token;
    return this.#closed || !same ? [] : this.sentItems();
  }

  /** What the key commit wrote for `itemsFor`. */
  rode(written: SentRows): void {
    this.#written = written;
  }

  /** The key transaction is over: what the commit wrote for `sent`, or undefined when nothing rode on it. */
  close(): SentRows | undefined {
    this.#closed = true;
    return this.#written;
  }

  sentItems(): SentItem[] {
    return this.sent.map(({ row, event }) => ({ fence: this.fence, id: row.id, event }));
  }
}
