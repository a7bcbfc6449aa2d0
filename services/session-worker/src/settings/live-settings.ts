import { isDeepStrictEqual } from 'node:util';
import { type InstanceSettings, resolveSettings } from '@turbozap/shared/contracts/settings';

/**
 * The settings an owned instance runs with now. Readers ask `current` at the moment they act,
 * so a change applies to the next message or call without reconnecting; `onChange` is for the
 * settings that must do something at once (presence).
 */
export class LiveSettings {
  #current: InstanceSettings;
  readonly #onChange: (next: InstanceSettings, previous: InstanceSettings) => void;

  constructor(stored: unknown, onChange: (next: InstanceSettings, previous: InstanceSettings) => void) {
    this.#current = resolveSettings(stored);
    this.#onChange = onChange;
  }

  get current(): InstanceSettings {
    return this.#current;
  }

  /** The stored value as read from the instance row; answers whether anything changed. */
  apply(stored: unknown): boolean {
    const next = resolveSettings(stored);
    if (isDeepStrictEqual(next, this.#current)) return false;
    const previous = this.#current;
    this.#current = next;
    this.#onChange(next, previous);
    return true;
  }
}
