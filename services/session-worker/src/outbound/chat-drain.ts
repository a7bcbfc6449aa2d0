/** What became of one outbox job's message after the pass that looked at it. */
export type Outcome =
  /** On the wire, `sent` written (or it was already). */
  | { kind: 'sent' }
  /** A permanent failure: `failed` and `message.failed` written. */
  | { kind: 'failed' }
  /** A transient error while sending it: it stays claimed (`sending`) for a later pass. */
  | { kind: 'error'; error: unknown; reason: string }
  /** The pass stopped (socket gone, lease lost, consuming stopped, database error): give it back. */
  | { kind: 'stopped' }
  /** Not claimable now: not ready yet, behind an earlier message still being prepared, or done. */
  | { kind: 'unclaimed' };

export interface PassResult {
  outcomes: ReadonlyMap<string, Outcome>;
  /** Nothing more can be sent now (see Outcome `stopped`): every waiting job is told so. */
  stopped: boolean;
  /** The pass claimed its whole limit and sent it all: the chat may have more ready to go. */
  full: boolean;
}

/**
 * One chat's sends, one pass at a time. A job asks for its message; a pass claims the chat's next
 * ready messages from the database in acceptance order (whichever jobs brought them) and sends
 * them; each waiting job is then told what became of its own. Jobs are only a signal that a
 * chat has work: Postgres holds the order, so a job that arrives before an earlier one of its
 * chat never waits for that job — the first pass that can, sends both, in order.
 */
export class ChatDrain {
  readonly #pass: () => Promise<PassResult>;
  readonly #onIdle: () => void;
  readonly #waiters = new Map<string, Array<(outcome: Outcome) => void>>();
  #running = false;

  constructor(pass: () => Promise<PassResult>, onIdle: () => void) {
    this.#pass = pass;
    this.#onIdle = onIdle;
  }

  /** Resolves with what became of `messageId` in the next pass that settles it. */
  request(messageId: string): Promise<Outcome> {
    const outcome = new Promise<Outcome>((resolve) => {
      const waiting = this.#waiters.get(messageId);
      if (waiting) waiting.push(resolve);
      else this.#waiters.set(messageId, [resolve]);
    });
    if (!this.#running) void this.#run();
    return outcome;
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiters.size > 0) {
        // Jobs that arrive during a pass may have missed its claim: they wait for the next one.
        const before = [...this.#waiters.keys()];
        const result = await this.#pass().catch(() => ({ outcomes: new Map(), stopped: true, full: false }));
        for (const [id, outcome] of result.outcomes) this.#settle(id, outcome);
        if (result.stopped) {
          for (const id of [...this.#waiters.keys()]) this.#settle(id, { kind: 'stopped' });
        } else if (!result.full) {
          for (const id of before) this.#settle(id, { kind: 'unclaimed' });
        }
      }
    } finally {
      this.#running = false;
      this.#onIdle();
    }
  }

  #settle(messageId: string, outcome: Outcome): void {
    const waiting = this.#waiters.get(messageId);
    if (!waiting) return;
    this.#waiters.delete(messageId);
    for (const resolve of waiting) resolve(outcome);
  }
}

/** The drains of one instance's chats; a chat's drain exists while it has jobs. */
export class ChatDrains {
  readonly #drains = new Map<string, ChatDrain>();
  readonly #pass: (chat: string) => Promise<PassResult>;

  constructor(pass: (chat: string) => Promise<PassResult>) {
    this.#pass = pass;
  }

  request(chat: string, messageId: string): Promise<Outcome> {
    let drain = this.#drains.get(chat);
    if (!drain) {
      drain = new ChatDrain(
        () => this.#pass(chat),
        () => this.#drains.delete(chat),
      );
      this.#drains.set(chat, drain);
    }
    return drain.request(messageId);
  }
}
