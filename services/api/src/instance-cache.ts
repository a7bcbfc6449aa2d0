import type { InstanceRow } from '@turbozap/shared/db/schema';

export interface InstanceLookup {
  byId(id: string): Promise<InstanceRow | undefined>;
  byName(name: string): Promise<InstanceRow | undefined>;
}

interface Entry {
  row: Promise<InstanceRow | undefined>;
  until: number;
}

/**
 * Instance rows for the routes that need only an instance's id and name (sends), so a hot
 * instance costs no query per request. It cannot make a deleted instance accept a send: a
 * message row references its instance, so the insert fails once the delete has committed,
 * on every replica, and the route then looks the instance up afresh (instance-gone in
 * route.ts). The TTL bounds everything else a replica's copy could miss, and this process
 * forgets an instance at once when it deletes or logs it out. Bounded: the oldest entry
 * goes first. Concurrent misses for one instance share one query; absent rows are not kept,
 * so an instance is usable the moment it is created.
 */
export class InstanceCache implements InstanceLookup {
  #source: InstanceLookup;
  #ttlMs: number;
  #maxEntries: number;
  #now: () => number;
  #byId = new Map<string, Entry>();
  #byName = new Map<string, Entry>();

  constructor(source: InstanceLookup, options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#source = source;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  byId(id: string): Promise<InstanceRow | undefined> {
    return this.#get(this.#byId, id, () => this.#source.byId(id));
  }

  byName(name: string): Promise<InstanceRow | undefined> {
    return this.#get(this.#byName, name, () => this.#source.byName(name));
  }

  /** Drops what this process knows of the instance (after a delete or logout, or a refused insert). */
  forget(instance: Pick<InstanceRow, 'id' | 'name'>): void {
    this.#byId.delete(instance.id);
    this.#byName.delete(instance.name);
  }

  #get(map: Map<string, Entry>, key: string, load: () => Promise<InstanceRow | undefined>) {
    const now = this.#now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.row;
    const row = load();
    const entry = { row, until: now + this.#ttlMs };
    map.delete(key);
    map.set(key, entry);
    if (map.size > this.#maxEntries) map.delete(map.keys().next().value as string);
    // Neither a failed lookup nor an absent instance is remembered.
    row.then(
      (found) => {
        if (!found && map.get(key) === entry) map.delete(key);
      },
      () => {
        if (map.get(key) === entry) map.delete(key);
      },
    );
    return row;
  }
}
