import { DecryptionError } from '@turbozap/shared/crypto/keyring-cipher';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import type { InstanceStatus } from '@turbozap/shared/db/schema';
import { withTimeout } from '@turbozap/shared/util/timeout';
import { type ConnectionState, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import type { SendPass } from '../outbound/send-pass.ts';
import { loadPostgresAuthState, type PostgresAuthState } from './auth-store.ts';
import { baileysLogger } from './baileys-logger.ts';
import type { ConnectionHooks, ConnectionPorts } from './connection-ports.ts';
import { CredsSaver } from './creds-saver.ts';
import { storedMessageLookup } from './get-message.ts';
import { decideOnClose } from './reconnect-policy.ts';
import { createSocket } from './socket-factory.ts';
import { type StatusDetail, StatusReporter } from './status-reporter.ts';

const FIRST_QR_TTL_MS = 60_000;
/** A peer that never answers the WebSocket close handshake does not hold a shutdown longer than this. */
const SOCKET_CLOSE_TIMEOUT_MS = 5_000;
const NEXT_QR_TTL_MS = 20_000;

/**
 * The connection owner of one instance: drives a Baileys socket through
 * `connecting → qr_code → connected → disconnected / logged_out / failed` and applies the
 * reconnect policy. "Parked" means no socket and none scheduled until `resume` (connect).
 */
export class InstanceConnection {
  readonly #scope: InstanceScope;
  readonly #hooks: ConnectionHooks;
  readonly #ports: ConnectionPorts;
  readonly #reporter: StatusReporter;
  #auth: PostgresAuthState | undefined;
  #sock: WASocket | undefined;
  #open = false;
  #generation = 0;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #parked = true;
  #disposed = false;
  /** Open only to unlink the device: do not start sending. */
  #quiet = false;
  #pairingPhone: string | undefined;
  #pairingRequested = false;
  #qrShown = 0;
  #creds: CredsSaver | undefined;
  #openWaiters: Array<() => void> = [];

  constructor(scope: InstanceScope, ports: ConnectionPorts, hooks: ConnectionHooks, initialStatus: InstanceStatus) {
    this.#scope = scope;
    this.#ports = ports;
    this.#hooks = hooks;
    this.#reporter = new StatusReporter(scope, initialStatus, ports);
  }

  get status(): InstanceStatus {
    return this.#reporter.current;
  }

  get parked(): boolean {
    return this.#parked;
  }

  /** The socket, only while logged in. */
  get socket(): WASocket | undefined {
    return this.#open ? this.#sock : undefined;
  }

  /** Starts connecting, or stays parked (logged out, failed, …) until `resume`. */
  async start(options: { parked: boolean; pairingPhone?: string | undefined }): Promise<void> {
    this.#pairingPhone = options.pairingPhone;
    if (!options.parked) await this.#openSocket();
  }

  /** `connect`: from parked (or waiting for a retry) connect now; on a live QR flow, switch to a pairing code. */
  async resume(pairingPhone?: string): Promise<void> {
    if (this.#disposed) return;
    if (this.#sock && !this.#parked) {
      if (pairingPhone && !this.#open) await this.#requestPairing(this.#sock, pairingPhone);
      return;
    }
    clearTimeout(this.#retry);
    this.#attempt = 0;
    this.#pairingPhone = pairingPhone;
    this.#pairingRequested = false;
    await this.#openSocket();
  }

  /** `restart`: close the socket and connect again. */
  async restart(): Promise<void> {
    if (this.#disposed) return;
    await this.#teardown();
    this.#attempt = 0;
    await this.#openSocket();
  }

  /**
   * Desired state `logged_out` (logout, delete): unlink the device (connecting first if needed
   * and possible), delete the credentials, status logged_out, parked.
   */
  async logout(timeoutMs = 10_000): Promise<void> {
    clearTimeout(this.#retry);
    this.#parked = true;
    this.#quiet = true;
    try {
      if (!this.#open) {
        await this.#teardown();
        this.#auth ??= await this.#loadAuth().catch(() => undefined);
        // A linked device is told it is unlinked; one that never paired has nothing to tell.
        if (this.#auth?.state.creds.account) {
          await this.#openSocket({ quiet: true, parkAfter: true });
          await withTimeout(this.#waitOpen(), timeoutMs, 'connect before logout').catch(() => {});
        }
      }
      const sock = this.socket;
      if (sock)
        await withTimeout(sock.logout(), timeoutMs, 'logout').catch((error) =>
          this.#scope.log.warn('logout failed', { error }),
        );
    } finally {
      await this.#teardown();
    }
    await this.#forgetDevice();
    await this.#report('logged_out', { reason: 'logout' });
  }

  /** Desired state `disconnected`: close the socket, keep the credentials, stay parked until `connect`. */
  async disconnect(): Promise<void> {
    clearTimeout(this.#retry);
    this.#parked = true;
    await this.#teardown();
    await this.#creds?.flushed();
    if (this.status !== 'disconnected') await this.#report('disconnected', { reason: 'requested' });
  }

  /** Handover, lease lost, shutdown: end the socket without touching the instance's state. */
  async close(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#retry);
    await this.#teardown();
    await this.#creds?.flushed();
    this.#reporter.dispose();
  }

  /**
   * The instance's stored auth state; a send's key updates are group-committed with other
   * instances', with the `sent` writes of the send pass riding on them.
   */
  #loadAuth(): Promise<PostgresAuthState> {
    const { db, fence } = this.#scope;
    const { cipher, writes } = this.#ports;
    return loadPostgresAuthState<SendPass>(db, cipher, fence, {
      upsertKeys: (upserts, pass) => writes.upsertKeys(fence, upserts, pass),
      until: this.#scope.ended,
      whileWaiting: () => this.#hooks.waitingForDatabase(),
    });
  }

  async #openSocket(options: { quiet?: boolean; parkAfter?: boolean } = {}): Promise<void> {
    if (this.#disposed) return;
    const generation = ++this.#generation;
    this.#parked = options.parkAfter ?? false;
    this.#quiet = options.quiet ?? false;
    try {
      this.#auth ??= await this.#loadAuth();
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof DecryptionError) {
        this.#scope.log.error('stored credentials cannot be decrypted with the keyring', { keyId: error.keyId });
        this.#parked = true;
        await this.#report('failed', { reason: 'credentials_undecryptable' });
      } else this.#scheduleRetry(undefined, error);
      return;
    }
    if (generation !== this.#generation || this.#disposed) return;
    if (this.status !== 'connecting' && !this.#quiet) await this.#report('connecting');
    if (generation !== this.#generation || this.#disposed) return;
    const sock: WASocket = createSocket({
      auth: this.#auth.state,
      environment: this.#ports.baileys,
      logger: baileysLogger(this.#scope.log),
      getMessage: storedMessageLookup(this.#scope.db, this.#scope.instance.id),
      // Called only once the socket exists and has logged in.
      beforeMessageReceipt: (message) => this.#hooks.received(sock, message),
      isMessageStored: (key) => this.#hooks.stored(key),
      historySync: () => this.#hooks.historySync(),
    });
    this.#sock = sock;
    this.#open = false;
    const auth = this.#auth;
    this.#creds = new CredsSaver(
      // A socket ended by a logout may still fire creds.update: never write back forgotten credentials.
      () => (this.#auth === auth ? auth.saveCreds() : Promise.resolve()),
      (error) => this.#ignoreStale(error, 'saving credentials failed'),
    );
    const creds = this.#creds;
    sock.ev.on('creds.update', () => creds.request());
    sock.ev.on('connection.update', (update) => {
      this.#onUpdate(generation, sock, update).catch((error) =>
        this.#scope.log.error('connection update handling failed', { error }),
      );
    });
    this.#hooks.attach(sock);
  }

  async #onUpdate(generation: number, sock: WASocket, update: Partial<ConnectionState>): Promise<void> {
    if (generation !== this.#generation) return;
    if (update.qr && !this.#quiet) await this.#onQr(sock, update.qr);
    if (update.connection === 'open') await this.#onOpen(sock);
    if (update.connection === 'close') {
      const wasOpen = this.#open;
      this.#open = false;
      this.#sock = undefined;
      if (wasOpen && !this.#quiet) this.#hooks.closed();
      const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
      await this.#onClose(error?.output?.statusCode, update.lastDisconnect?.error);
    }
  }

  async #onQr(sock: WASocket, qr: string): Promise<void> {
    if (this.#pairingPhone && !this.#pairingRequested) await this.#requestPairing(sock, this.#pairingPhone);
    const ttl = this.#qrShown === 0 ? FIRST_QR_TTL_MS : NEXT_QR_TTL_MS;
    this.#qrShown++;
    await this.#reporter.qr(qr, ttl).catch((error) => this.#ignoreStale(error, 'storing the QR code failed'));
  }

  async #requestPairing(sock: WASocket, phone: string): Promise<void> {
    this.#pairingPhone = phone;
    this.#pairingRequested = true;
    try {
      const code = await sock.requestPairingCode(phone);
      await this.#reporter.pairingCode(code);
    } catch (error) {
      this.#ignoreStale(error, 'pairing code request failed');
    }
  }

  async #onOpen(sock: WASocket): Promise<void> {
    this.#open = true;
    this.#attempt = 0;
    this.#qrShown = 0;
    this.#pairingPhone = undefined;
    for (const resolve of this.#openWaiters.splice(0)) resolve();
    if (this.#quiet) return;
    const me = sock.user ?? this.#auth?.state.creds.me;
    const identity = {
      jid: me?.id ? jidNormalizedUser(me.id) : null,
      lid: me?.lid ? jidNormalizedUser(me.lid) : null,
      pushName: me?.name ?? me?.notify ?? null,
    };
    await this.#reporter.clearLinking().catch(() => {});
    await this.#report('connected', { identity });
    if (this.#open && this.#sock === sock) this.#hooks.opened(sock);
  }

  async #onClose(code: number | undefined, error: unknown): Promise<void> {
    if (this.#parked || this.#disposed) return;
    const registered = Boolean(this.#auth?.state.creds.account);
    const decision = decideOnClose(code, { registered, attempt: this.#attempt }, this.#ports.reconnect);
    this.#scope.log.info('connection closed', { close_code: code, decision: decision.action, attempt: this.#attempt });
    switch (decision.action) {
      case 'reconnect':
        await this.#openSocket();
        return;
      case 'backoff':
        this.#scheduleRetry(code, error, decision.delayMs);
        return;
      case 'conflict':
        this.#parked = true;
        this.#hooks.conflict();
        return;
      case 'logged_out':
        this.#parked = true;
        await this.#forgetDevice();
        await this.#report('logged_out', { reason: 'logged_out', ...(code !== undefined ? { code } : {}) });
        return;
      case 'qr_expired':
        this.#parked = true;
        await this.#reporter.clearLinking().catch(() => {});
        await this.#report('disconnected', { reason: 'qr_expired', ...(code !== undefined ? { code } : {}) });
        return;
      case 'stay_disconnected':
        this.#parked = true;
        await this.#report('disconnected', { reason: 'connection_lost', ...(code !== undefined ? { code } : {}) });
        return;
      case 'failed':
        this.#parked = true;
        await this.#report('failed', {
          reason: 'reconnect_attempts_exhausted',
          ...(code !== undefined ? { code } : {}),
        });
        return;
    }
  }

  #scheduleRetry(code: number | undefined, error: unknown, delayMs?: number): void {
    if (this.#disposed || this.#parked) return;
    const decision =
      delayMs === undefined
        ? decideOnClose(
            code,
            { registered: true, attempt: this.#attempt },
            { ...this.#ports.reconnect, autoReconnect: true },
          )
        : { action: 'backoff' as const, delayMs };
    if (decision.action !== 'backoff') {
      this.#parked = true;
      void this.#report('failed', { reason: 'reconnect_attempts_exhausted' });
      return;
    }
    this.#attempt++;
    this.#scope.log.warn('reconnecting after a delay', {
      delayMs: decision.delayMs,
      attempt: this.#attempt,
      code,
      error,
    });
    if (this.status !== 'connecting')
      void this.#report('connecting', { reason: 'connection_lost', ...(code !== undefined ? { code } : {}) });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#openSocket(), decision.delayMs);
  }

  /** Logged out or unlinked: credentials, keys and linking codes are gone for good. */
  async #forgetDevice(): Promise<void> {
    const auth = this.#auth;
    this.#auth = undefined;
    await this.#creds?.flushed();
    try {
      if (auth) await auth.clear();
      else await (await loadPostgresAuthState(this.#scope.db, this.#ports.cipher, this.#scope.fence)).clear();
    } catch (error) {
      this.#ignoreStale(error, 'deleting credentials failed');
    }
    await this.#reporter.clearLinking().catch(() => {});
  }

  /**
   * Ends the socket and resolves once its TCP connection is closed, so whoever comes next (a
   * new socket here, or the next owner after the lease is handed back) never overlaps it.
   */
  async #teardown(): Promise<void> {
    this.#generation++;
    const sock = this.#sock;
    const wasOpen = this.#open;
    this.#sock = undefined;
    this.#open = false;
    if (wasOpen && !this.#quiet) this.#hooks.closed();
    if (!sock) return;
    await withTimeout(sock.end(undefined), SOCKET_CLOSE_TIMEOUT_MS, 'closing the socket').catch((error) =>
      this.#scope.log.warn('the socket did not close cleanly', { error }),
    );
  }

  #waitOpen(): Promise<void> {
    if (this.#open) return Promise.resolve();
    return new Promise((resolve) => this.#openWaiters.push(resolve));
  }

  async #report(status: InstanceStatus, detail: StatusDetail = {}): Promise<void> {
    await this.#reporter
      .set(status, detail)
      .catch((error) => this.#ignoreStale(error, `reporting status ${status} failed`));
  }

  /** A stale fence was already reported to the owner by the scope; anything else is logged. */
  #ignoreStale(error: unknown, message: string): void {
    if (error instanceof StaleFenceError) return;
    this.#scope.log.warn(message, { error });
  }
}
