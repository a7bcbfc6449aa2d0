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

interface Waiter {
  resolve: (outcome: Outcome) => void;
  /** A job behind an earlier message waits for a pass someone else starts (`awaitPass`); it starts none itself. */
  timer?: NodeJS.Timeout;
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
  readonly #waiters = new Map<string, Waiter[]>();
  #running = false;

  constructor(pass: () => Promise<PassResult>, onIdle: () => void) {
    this.#pass = pass;
    this.#onIdle = onIdle;
  }

  /** Resolves with what became of `messageId` in the next pass that settles it. */
  request(messageId: string): Promise<Outcome> {
    const outcome = this.#wait(messageId, { resolve: () => {} });
    if (!this.#running) void this.#run();
    return outcome;
  }

  /**
   * For a message behind an earlier one still being prepared: waits, without starting a pass,
   * for a pass that sends it (the earlier message's own job starts one), or `unclaimed` after
   * `ms`. Cheaper than a trip through the broker's retry queue, and bounded: a waiting job holds
   * one of the outbox's prefetch slots.
   */
  awaitPass(messageId: string, ms: number): Promise<Outcome> {
    const waiter: Waiter = { resolve: () => {} };
    const outcome = this.#wait(messageId, waiter);
    waiter.timer = setTimeout(() => {
      this.#settleOne(messageId, waiter, { kind: 'unclaimed' });
      if (!this.#running && this.#waiters.size === 0) this.#onIdle();
    }, ms);
    return outcome;
  }

  #wait(messageId: string, waiter: Waiter): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      waiter.resolve = resolve;
      const waiting = this.#waiters.get(messageId);
      if (waiting) waiting.push(waiter);
      else this.#waiters.set(messageId, [waiter]);
    });
  }

  /** Ids with a job that asked for a pass (not only ones awaiting someone else's). */
  #asking(): string[] {
    return [...this.#waiters].filter(([, ws]) => ws.some((w) => !w.timer)).map(([id]) => id);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (let before = this.#asking(); before.length > 0; before = this.#asking()) {
        // Jobs that arrive during a pass may have missed its claim: they wait for the next one.
        const result = await this.#pass().catch(() => ({ outcomes: new Map(), stopped: true, full: false }));
        for (const [id, outcome] of result.outcomes) this.#settle(id, outcome);
        if (result.stopped) {
          for (const id of [...this.#waiters.keys()]) this.#settle(id, { kind: 'stopped' });
        } else if (!result.full) {
          for (const id of before) this.#settle(id, { kind: 'unclaimed' }, (w) => !w.timer);
        }
      }
    } finally {
      this.#running = false;
      if (this.#waiters.size === 0) this.#onIdle();
    }
  }

  #settle(messageId: string, outcome: Outcome, which: (w: Waiter) => boolean = () => true): void {
    for (const waiter of [...(this.#waiters.get(messageId) ?? [])]) {
      if (which(waiter)) this.#settleOne(messageId, waiter, outcome);
    }
  }

  #settleOne(messageId: string, waiter: Waiter, outcome: Outcome): void {
    const waiting = this.#waiters.get(messageId);
    const at = waiting?.indexOf(waiter) ?? -1;
    if (!waiting || at < 0) return;
    waiting.splice(at, 1);
    if (waiting.length === 0) this.#waiters.delete(messageId);
    clearTimeout(waiter.timer);
    waiter.resolve(outcome);
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
    return this.#drain(chat).request(messageId);
  }

  awaitPass(chat: string, messageId: string, ms: number): Promise<Outcome> {
    return this.#drain(chat).awaitPass(messageId, ms);
  }

  #drain(chat: string): ChatDrain {
    let drain = this.#drains.get(chat);
    if (!drain) {
      const created = new ChatDrain(
        () => this.#pass(chat),
        () => {
          if (this.#drains.get(chat) === created) this.#drains.delete(chat);
        },
      );
      drain = created;
      this.#drains.set(chat, drain);
    }
    return drain;
  }
}
