/** Adds `key` to an insertion-ordered set, evicting the oldest entries beyond `max`. Returns false if present. */
export function remember(set: Set<string>, key: string, max = 50_000): boolean {
  if (set.has(key)) return false;
  set.add(key);
  if (set.size > max) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
  return true;
}

/** A Map that forgets its oldest entries beyond `max`. */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #max: number;

  constructor(max: number) {
    super();
    this.#max = max;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.#max) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    return this;
  }
}
