import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { Broker } from '@turbozap/shared/broker/port';
import type { Config } from '@turbozap/shared/config/config';
import type { InstanceRef } from '@turbozap/shared/contracts/instance-ref';
import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import type { Unsubscribe } from '@turbozap/shared/coordination/port';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { InstanceStatus } from '@turbozap/shared/db/schema';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import { withTimeout } from '@turbozap/shared/util/timeout';
import type { WASocket } from '@whiskeysockets/baileys';
import { ActivityTracker } from './connection/activity.ts';
import type { ConnectionPorts } from './connection/connection-ports.ts';
import { InstanceConnection } from './connection/instance-connection.ts';
import { InboundHandler } from './inbound/inbound-handler.ts';
import { ReadPause } from './inbound/read-pause.ts';
import { InstanceScope, type ScopePorts } from './instance-scope.ts';
import { OutboxConsumer } from './outbound/outbox-consumer.ts';
import { Pacer } from './outbound/pacer.ts';
import { queueText } from './outbound/queue-text.ts';
import { OutboundSender } from './outbound/sender.ts';
import { urlMedia } from './outbound/url-media.ts';
import { LeaseKeeper, type LeaseLossReason } from './ownership/lease-keeper.ts';
import { serveRpc } from './rpc/rpc-server.ts';
import { LiveSettings } from './settings/live-settings.ts';
import { streamToBuffer } from './util/stream.ts';

export type GoneReason = LeaseLossReason | 'conflict' | 'released';

/**
 * What this worker shares among the instances it owns, built once (context.ts); each owned
 * instance hands every part only what that part uses.
 */
export interface InstancePorts extends ScopePorts, ConnectionPorts {
  broker: Broker;
  blobs: BlobStore;
  metrics: Metrics;
  leaseTtlMs: number;
  session: Pick<Config['session'], 'sendRatePerMinute' | 'sendTyping'>;
  media: Config['media'];
}

/** Outbox deliveries in flight per instance (sends themselves are bounded further by the sender). */
const OUTBOX_PREFETCH = 16;

/**
 * Everything this worker runs for one instance it holds the lease of: the lease keeper, the
 * connection owner, the inbound handler, the outbox consumer + sender and the RPC subscription.
 * It ends in exactly one of two ways: let go (`release`: close, then hand the lease back) or
 * lost (`#lose`: stop acting at once, hand back nothing).
 */
export class OwnedInstance {
  readonly scope: InstanceScope;
  readonly connection: InstanceConnection;
  readonly #settings: LiveSettings;
  readonly #ports: InstancePorts;
  readonly #keeper: LeaseKeeper;
  readonly #inbound: InboundHandler;
  readonly #outbox: OutboxConsumer;
  readonly #activity: ActivityTracker;
  readonly #onGone: (instanceId: string, reason: GoneReason) => void;
  #rpc: Unsubscribe | undefined;
  #ended = false;
  #loggingOut: Promise<void> | undefined;
  #disconnecting = false;

  constructor(
    ports: InstancePorts,
    instance: InstanceRef & { status: InstanceStatus; settings: unknown },
    token: number,
    onGone: (instanceId: string, reason: GoneReason) => void,
  ) {
    this.#ports = ports;
    this.#onGone = onGone;
    this.scope = new InstanceScope(
      ports,
      { id: instance.id, name: instance.name },
      token,
      () => void this.#lose('fence_stale'),
    );
    this.#keeper = new LeaseKeeper(this.scope.fence, {
      coordination: ports.coordination,
      db: ports.db,
      logger: this.scope.log,
      ttlMs: ports.leaseTtlMs,
      onLost: (reason) => void this.#lose(reason),
    });
    this.#settings = new LiveSettings(instance.settings, (next, previous) => this.#settingsChanged(next, previous));
    this.#activity = new ActivityTracker(this.scope, ports.metrics);
    // Reading stops while what the socket delivered waits for the database (ReadPause).
    const pause = new ReadPause(
      () => this.connection.socket,
      (paused) => ports.metrics.inboundPaused.inc(paused ? 1 : -1),
    );
    this.#inbound = new InboundHandler(this.scope, {
      writes: ports.writes,
      metrics: ports.metrics,
      media: {
        blobs: ports.blobs,
        maxBytes: ports.media.maxBytes,
        urlTtlMs: ports.media.urlTtlMs,
        mediaRoute: ports.baileys.mediaRoute,
      },
      onActivity: this.#activity.touch,
      pause,
      settings: () => this.#settings.current,
      callReply: (to, text, callId) =>
        queueText({ db: ports.db, broker: ports.broker, logger: this.scope.log }, instance.id, {
          to,
          text,
          idempotencyKey: `call-reject:${callId}`,
        }),
    });
    const sender = new OutboundSender({
      scope: this.scope,
      socket: () => this.connection.socket,
      pacer: new Pacer(ports.session.sendRatePerMinute),
      sendTyping: ports.session.sendTyping,
      onActivity: this.#activity.touch,
      writes: ports.writes,
      metrics: ports.metrics,
      content: {
        fetchMedia: urlMedia(ports.media),
        loadMedia: async (key) => {
          const blob = await ports.blobs.get(key);
          if (!blob) throw new Error(`media ${key} is missing from the blob store`);
          return { bytes: await streamToBuffer(blob.body), contentType: blob.contentType };
        },
        findMessage: async (ref) =>
          /^[0-9a-f-]{36}$/i.test(ref)
            ? messagesRepo.get(ports.db, ref).then((r) => (r?.instance_id === instance.id ? r : undefined))
            : messagesRepo.getByWaId(ports.db, instance.id, ref),
      },
    });
    this.#outbox = new OutboxConsumer({
      broker: ports.broker,
      instanceId: instance.id,
      handle: (delivery) => sender.handle(delivery),
      interrupt: () => sender.interrupt(),
      prefetch: OUTBOX_PREFETCH,
      logger: this.scope.log,
    });
    this.connection = new InstanceConnection(
      this.scope,
      ports,
      {
        attach: (sock) => {
          this.#inbound.attach(sock);
          // A push name learnt after login (the account's own messages carry it) lets presence be announced.
          sock.ev.on('creds.update', ({ me }) => {
            if (me?.name && this.#settings.current.always_online && this.connection.socket === sock) {
              this.#presence(sock, 'available');
            }
          });
        },
        received: (sock, message) => this.#inbound.receive(sock, message),
        stored: (key) => this.#inbound.isStored(key),
        opened: (sock) => {
          void this.#outbox.start();
          if (this.#settings.current.always_online) this.#presence(sock, 'available');
        },
        closed: () => void this.#outbox.stop(),
        conflict: () => void this.#conflict(),
        waitingForDatabase: () => pause.hold(),
        historySync: () => this.#settings.current.sync_history,
      },
      instance.status,
    );
  }

  get id(): string {
    return this.scope.instance.id;
  }

  /** On its way out (released, lost, logging out or disconnecting): commands no longer apply to it. */
  get leaving(): boolean {
    return this.#ended || this.#loggingOut !== undefined || this.#disconnecting;
  }

  get socket(): WASocket | undefined {
    return this.connection.socket;
  }

  /** The stored settings as the reconcile loop or a `settings` nudge read them: applied at once, no reconnect. */
  applySettings(stored: unknown): void {
    if (this.#settings.apply(stored)) this.scope.log.info('settings applied');
  }

  #settingsChanged(next: InstanceSettings, previous: InstanceSettings): void {
    const sock = this.connection.socket;
    if (sock && next.always_online !== previous.always_online) {
      this.#presence(sock, next.always_online ? 'available' : 'unavailable');
    }
  }

  /** `always_online`: WhatsApp shows the account online while this presence stands. */
  #presence(sock: WASocket, presence: 'available' | 'unavailable'): void {
    // Baileys (like WhatsApp Web) announces presence with the push name, and skips it until known.
    if (!sock.authState.creds.me?.name) {
      this.scope.log.warn('presence not announced: the account push name is not known to this session yet');
      return;
    }
    sock.sendPresenceUpdate(presence).catch((error: unknown) => {
      this.scope.log.warn('presence update failed', { presence, error });
    });
  }

  async start(options: { parked: boolean; pairingPhone?: string | undefined }): Promise<void> {
    this.#keeper.start();
    this.#ports.metrics.leasesHeld.inc();
    this.#rpc = await serveRpc(this.#ports, this.scope, () => this.connection.socket).catch((error) => {
      this.scope.log.warn('rpc subscription failed', { error });
      return undefined;
    });
    await this.connection.start(options);
  }

  /** Desired state `disconnected`: close the socket (credentials kept), then let go. */
  async disconnectAndRelease(): Promise<void> {
    if (this.#ended || this.#disconnecting) return;
    this.#disconnecting = true;
    await this.#outbox.stop();
    await this.connection.disconnect();
    await this.release();
  }

  /** Desired state `logged_out`: unlink, delete credentials, then let go (once, however often asked). */
  logoutAndRelease(): Promise<void> {
    this.#loggingOut ??= (async () => {
      if (this.#ended) return;
      await this.#outbox.stop();
      await this.connection.logout();
      await this.release();
    })();
    return this.#loggingOut;
  }

  /** Handover (scale-up, shutdown): close the socket first, then give the lease back. */
  async release(reason: GoneReason = 'released'): Promise<void> {
    if (!this.#end()) return;
    await this.#outbox.stop();
    await this.connection.close();
    this.scope.end();
    await this.#keeper.release();
    this.#onGone(this.id, reason);
  }

  /** The row is gone (instance deleted): unlink the device if we can, then let go. */
  async vanish(): Promise<void> {
    if (this.#ended) return;
    await this.#outbox.stop();
    const sock = this.connection.socket;
    if (sock) await withTimeout(sock.logout(), 3_000, 'logout').catch(() => {});
    await this.release('instance_deleted');
  }

  async #conflict(): Promise<void> {
    this.scope.log.warn('another socket took over this device (440): letting go');
    await this.release('conflict');
  }

  /** Lease or fence lost: stop acting now; someone else may already own the instance. */
  async #lose(reason: LeaseLossReason): Promise<void> {
    if (reason === 'instance_deleted') return this.vanish();
    if (!this.#end()) return;
    this.#keeper.stop();
    this.#ports.metrics.leaseLosses.inc();
    this.scope.log.warn('lease lost: closing the socket', { reason });
    await Promise.all([this.#outbox.stop(), this.connection.close()]);
    this.scope.end();
    this.#onGone(this.id, reason);
  }

  #end(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    this.#ports.metrics.leasesHeld.dec();
    this.#activity.dispose();
    void this.#rpc?.().catch(() => {});
    return true;
  }
}
