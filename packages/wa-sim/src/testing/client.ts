// A real, unmodified Baileys client wired for tests against the simulator: records QR codes,
// connection state, received messages and status updates, and offers polling waits.
import makeWASocket, {
  type AuthenticationState,
  Browsers,
  type MessageUserReceiptUpdate,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageUpdate,
  type WASocket,
} from '@whiskeysockets/baileys';
import pino from 'pino';

export interface ClientOptions extends Partial<UserFacingSocketConfig> {
  /** Baileys log level (default silent). */
  logLevel?: string;
}

export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 5000,
  label = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class SimClient {
  readonly sock: WASocket;
  readonly qrs: string[] = [];
  readonly received: WAMessage[] = [];
  readonly upsertTypes: string[] = [];
  readonly updates: WAMessageUpdate[] = [];
  /** Per-participant receipts for group messages (message-receipt.update). */
  readonly groupReceipts: MessageUserReceiptUpdate[] = [];
  state: 'connecting' | 'open' | 'close' = 'connecting';
  /** Status code of the close (Baileys DisconnectReason), once closed. */
  closeCode?: number;
  closeMessage?: string;

  constructor(wsUrl: string, auth: AuthenticationState, opts: ClientOptions = {}) {
    const { logLevel = process.env.BAILEYS_LOG ?? 'silent', ...config } = opts;
    this.sock = makeWASocket({
      waWebSocketUrl: wsUrl,
      auth,
      logger: pino({ level: logLevel }) as unknown as UserFacingSocketConfig['logger'],
      browser: Browsers.ubuntu('Chrome'),
      connectTimeoutMs: 5000,
      defaultQueryTimeoutMs: 5000,
      markOnlineOnConnect: false,
      shouldSyncHistoryMessage: () => false,
      ...config,
    });
    this.sock.ev.on('connection.update', (u) => {
      if (u.qr) this.qrs.push(u.qr);
      if (u.connection === 'open') this.state = 'open';
      if (u.connection === 'close') {
        this.state = 'close';
        const err = u.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
        this.closeCode = err?.output?.statusCode;
        this.closeMessage = err?.message;
      }
    });
    this.sock.ev.on('messages.upsert', ({ messages, type }) => {
      for (const m of messages) {
        this.received.push(m);
        this.upsertTypes.push(type);
      }
    });
    this.sock.ev.on('messages.update', (ups) => this.updates.push(...ups));
    this.sock.ev.on('message-receipt.update', (ups) => this.groupReceipts.push(...ups));
  }

  /**
   * Users who sent a delivery receipt for message `id`: from `message-receipt.update`, or folded
   * into the buffered upsert of our own message (Baileys merges them there while it buffers).
   */
  deliveredBy(id: string): string[] {
    const fromUpdates = this.groupReceipts
      .filter((r) => r.key.id === id && r.receipt.receiptTimestamp)
      .map((r) => r.receipt.userJid);
    const fromUpserts = this.received
      .filter((m) => m.key.id === id)
      .flatMap((m) => (m.userReceipt ?? []).filter((r) => r.receiptTimestamp).map((r) => r.userJid));
    return [...fromUpdates, ...fromUpserts].filter((jid): jid is string => typeof jid === 'string');
  }

  nextQr(index = 0, timeoutMs = 5000): Promise<string> {
    return eventually(() => this.qrs[index], timeoutMs, `QR #${index}`);
  }

  waitOpen(timeoutMs = 10_000): Promise<void> {
    return eventually(
      () => (this.state === 'close' ? this.#fail('open') : this.state === 'open' || undefined),
      timeoutMs,
      'connection open',
    ).then(() => undefined);
  }

  /** Resolves with the DisconnectReason status code once the connection closed. */
  waitClosed(timeoutMs = 5000): Promise<number | undefined> {
    return eventually(() => this.state === 'close' && { code: this.closeCode }, timeoutMs, 'connection close').then(
      (r) => r.code,
    );
  }

  /** A received (not from me) message whose text matches. */
  waitForText(text: string, timeoutMs = 5000): Promise<WAMessage> {
    return eventually(
      () =>
        this.received.find(
          (m) => !m.key.fromMe && (m.message?.conversation === text || m.message?.extendedTextMessage?.text === text),
        ),
      timeoutMs,
      `message "${text}"`,
    );
  }

  /**
   * Every status seen for a message, from messages.update and from the upsert itself (Baileys merges
   * updates that arrive while events are buffered into the buffered upsert).
   */
  statusesOf(id: string): number[] {
    const out: number[] = [];
    for (const m of this.received) if (m.key.id === id && typeof m.status === 'number') out.push(m.status);
    for (const u of this.updates) if (u.key.id === id && typeof u.update.status === 'number') out.push(u.update.status);
    return out;
  }

  /** Highest status seen for one of our messages (3 = delivered, 4 = read). */
  statusOf(id: string): number {
    return Math.max(0, ...this.statusesOf(id));
  }

  end(): void {
    if (this.state !== 'close') this.sock.end(undefined);
    this.state = 'close';
  }

  #fail(waitingFor: string): never {
    throw new Error(`connection closed (${this.closeCode}: ${this.closeMessage}) while waiting for ${waitingFor}`);
  }
}
