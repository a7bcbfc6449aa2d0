import type { Account } from '../accounts/types.ts';
import type { Connection } from './connection.ts';

const key = (phone: string, device: number): string => `${phone}:${device}`;

/** Which connection is currently logged in as which companion device (at most one each). */
export class SessionRegistry {
  readonly #byDevice = new Map<string, Connection>();

  get(account: Account, device: number): Connection | undefined {
    const conn = this.#byDevice.get(key(account.phone, device));
    return conn?.isOpen ? conn : undefined;
  }

  /** Registers `conn` for the device and returns the connection it replaces, if any. */
  set(account: Account, device: number, conn: Connection): Connection | undefined {
    const k = key(account.phone, device);
    const previous = this.#byDevice.get(k);
    this.#byDevice.set(k, conn);
    return previous !== conn && previous?.isOpen ? previous : undefined;
  }

  /** Forgets `conn` (only if it is still the registered connection for its device). */
  delete(conn: Connection): void {
    if (!conn.account || conn.deviceId === undefined) return;
    const k = key(conn.account.phone, conn.deviceId);
    if (this.#byDevice.get(k) === conn) this.#byDevice.delete(k);
  }

  ofAccount(account: Account): Connection[] {
    return [...account.companions.keys()].flatMap((d) => this.get(account, d) ?? []);
  }

  all(): Connection[] {
    return [...this.#byDevice.values()].filter((c) => c.isOpen);
  }
}
