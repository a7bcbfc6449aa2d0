/**
 * Saves Baileys credentials one write at a time, the latest state last: `creds.update` fires in
 * bursts (pairing, pre-key uploads) and two overlapping writes could commit out of order.
 */
export class CredsSaver {
  readonly #save: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #saving: Promise<void> | undefined;
  #again = false;

  constructor(save: () => Promise<void>, onError: (error: unknown) => void) {
    this.#save = save;
    this.#onError = onError;
  }

  /** Schedules a save of the current state (coalesced with one in progress). */
  request(): void {
    if (this.#saving) {
      this.#again = true;
      return;
    }
    this.#saving = (async () => {
      do {
        this.#again = false;
        try {
          await this.#save();
        } catch (error) {
          this.#onError(error);
          return;
        }
      } while (this.#again);
    })().finally(() => {
      this.#saving = undefined;
    });
  }

  /** Resolves when no save is pending. */
  async flushed(): Promise<void> {
    await this.#saving;
  }
}
