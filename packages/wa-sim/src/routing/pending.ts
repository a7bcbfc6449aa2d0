// Stanzas written to a companion's live connection that it has not acknowledged yet. WhatsApp keeps
// each one until the device acks it and redelivers the rest (offline) at the device's next login, so
// a client that dies between receiving a message and acknowledging it loses nothing.
import type { BinaryNode } from '../binary/nodes.ts';
import { BoundedMap, remember } from '../util/bounded.ts';

/** How many stanzas the server keeps per device, in its offline queue and in its pending set alike. */
export const MAX_KEPT_PER_DEVICE = 10_000;

/** What a client answers with an `<ack class=tag>` (a message: with a `<receipt>`, or a nack). */
const ACKED_TAGS = new Set(['message', 'receipt', 'notification', 'call']);

/**
 * Receipts are told apart by type and participant too: a message gets a delivery and a read receipt
 * with its own id, and one per reader in a group; the client's ack echoes both attributes.
 */
function keyOf(tag: string | undefined, attrs: Record<string, string | undefined>): string | undefined {
  if (!tag || !ACKED_TAGS.has(tag) || !attrs.id) return undefined;
  return tag === 'receipt'
    ? `receipt|${attrs.id}|${attrs.type ?? ''}|${attrs.participant ?? ''}`
    : `${tag}|${attrs.id}`;
}

export class PendingStanzas {
  readonly #stanzas = new BoundedMap<string, BinaryNode>(MAX_KEPT_PER_DEVICE);
  /** Message ids the device asked to be resent; see `acked`. */
  readonly #retried = new Set<string>();

  get size(): number {
    return this.#stanzas.size;
  }

  /**
   * Keeps a stanza written to the device; false for one a client does not acknowledge. A newer
   * stanza with the same key replaces the older (a resend after a retry receipt supersedes it).
   */
  add(stanza: BinaryNode): boolean {
    const key = keyOf(stanza.tag, stanza.attrs);
    if (key === undefined) return false;
    this.#stanzas.set(key, stanza);
    return true;
  }

  /** `<ack class id>` from the device; a nack too, as the client has decided what to do with the stanza. */
  acked(ack: BinaryNode): void {
    const { class: tag, id, error } = ack.attrs;
    const key = keyOf(tag, ack.attrs);
    if (key === undefined) return;
    // Baileys answers a message it cannot decrypt with a retry receipt and only then a nack of that
    // copy; by then the sender may have resent it, and that nack must not clear the resend.
    if (tag === 'message' && error && id && this.#retried.delete(id)) return;
    this.#stanzas.delete(key);
  }

  /** A `<receipt>` the device sends (any type, retry included) acknowledges the messages it names. */
  receipted(messageIds: string[], type?: string): void {
    for (const id of messageIds) {
      const key = keyOf('message', { id });
      if (key !== undefined) this.#stanzas.delete(key);
      if (type === 'retry') remember(this.#retried, id, MAX_KEPT_PER_DEVICE);
    }
  }

  /** Oldest first. They stay pending until acknowledged. */
  list(): BinaryNode[] {
    return [...this.#stanzas.values()];
  }
}
