// Unpaired ("registration") connections waiting for a phone to scan their QR or enter their code.
import type { SignedPreKeyRecord } from '../accounts/types.ts';
import type { BinaryNode } from '../binary/nodes.ts';
import type { Connection } from '../transport/connection.ts';

export interface LinkCodeState {
  phone: string;
  ref: string;
  /** salt(32) | iv(16) | AES-CTR(companion ephemeral public key), keyed by the pairing code. */
  wrappedEphemeral: Buffer;
  /** Set while a primary_hello is out and the companion_finish is awaited. */
  awaitingFinish?: { resolve: (iq: BinaryNode) => void; reject: (err: Error) => void };
}

export interface PendingRegistration {
  conn: Connection;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: SignedPreKeyRecord;
  noiseKey: Buffer;
  platform: string;
  refs: { ref: string; expiresAt: number }[];
  linkCode?: LinkCodeState;
  /** A phone is completing the link (pair-success sent). */
  linking: boolean;
  expiryTimer?: NodeJS.Timeout;
}

export class PairingRegistry {
  readonly #byConn = new Map<Connection, PendingRegistration>();
  readonly #byRefs = new Map<string, PendingRegistration>();

  add(reg: PendingRegistration): void {
    this.#byConn.set(reg.conn, reg);
    for (const { ref } of reg.refs) this.#byRefs.set(ref, reg);
  }

  of(conn: Connection): PendingRegistration | undefined {
    return this.#byConn.get(conn);
  }

  byRef(ref: string): PendingRegistration | undefined {
    return this.#byRefs.get(ref);
  }

  /** The newest registration on which a pairing code was requested for `phone`. */
  byLinkCodePhone(phone: string): PendingRegistration | undefined {
    let found: PendingRegistration | undefined;
    for (const reg of this.#byConn.values()) if (reg.linkCode?.phone === phone && !reg.linking) found = reg;
    return found;
  }

  remove(reg: PendingRegistration): void {
    clearTimeout(reg.expiryTimer);
    reg.linkCode?.awaitingFinish?.reject(new Error('registration ended'));
    this.#byConn.delete(reg.conn);
    for (const { ref } of reg.refs) this.#byRefs.delete(ref);
  }

  removeConnection(conn: Connection): void {
    const reg = this.#byConn.get(conn);
    if (reg) this.remove(reg);
  }

  clear(): void {
    for (const reg of [...this.#byConn.values()]) this.remove(reg);
  }
}
