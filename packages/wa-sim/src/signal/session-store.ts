// Signal session records of one simulated phone, kept as live libsignal objects (the simulator is
// in memory anyway) instead of being serialised and parsed back on every message: a copy costs a
// fraction of that and leaves no garbage (docs/PERFORMANCE.md, "Relay cost").
import type { SessionRecordType } from './libsignal.ts';

const isGraph = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && !ArrayBuffer.isView(value);

/**
 * Copy of a libsignal object graph: objects are copied with their prototypes, byte arrays are
 * shared. libsignal replaces the keys, counters and chains of a record but never writes into a
 * stored Buffer, so a copy is independent of the record it came from. Plain objects are copied by
 * spreading, which keeps their hidden class: records are keyed by base64 keys, and building them
 * property by property makes a new shape per session, and copies several times slower.
 */
function copyGraph<T extends object>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (isGraph(v) ? copyGraph(v) : v)) as T;
  const proto = Object.getPrototypeOf(value);
  const copy: Record<string, unknown> =
    proto === Object.prototype ? { ...value } : Object.assign(Object.create(proto), value);
  for (const key in copy) {
    const v = copy[key];
    if (isGraph(v)) copy[key] = copyGraph(v);
  }
  return copy as T;
}

export class SessionStore {
  readonly #records = new Map<string, SessionRecordType>();

  /**
   * A working copy for libsignal: it mutates what it loaded while it decrypts and stores it back
   * only when the message was genuine, so a message that fails (forged, replayed, for another
   * session) must leave the stored record as it was.
   */
  load(address: string): SessionRecordType | undefined {
    const record = this.#records.get(address);
    return record && copyGraph(record);
  }

  store(address: string, record: SessionRecordType): void {
    this.#records.set(address, record);
  }

  has(address: string): boolean {
    return this.#records.has(address);
  }

  delete(address: string): void {
    this.#records.delete(address);
  }
}
