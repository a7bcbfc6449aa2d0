import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import makeWASocket, {
  type AuthenticationState,
  Browsers,
  type proto,
  type WAMessage,
  type WAMessageKey,
  type WASocket,
} from '@whiskeysockets/baileys';
import { TtlLruCache } from '../util/ttl-cache.ts';
import type { BaileysEnvironment } from './baileys-env.ts';
import type { BaileysLogger } from './baileys-logger.ts';
import { wantsHistory } from './history-sync.ts';

export interface SocketOptions {
  auth: AuthenticationState;
  environment: BaileysEnvironment;
  logger: BaileysLogger;
  /** Serves retries and poll decryption from our stored messages instead of Baileys' own cache. */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  /** Stores a received message before WhatsApp gets its receipt (patches/@whiskeysockets__baileys…). */
  beforeMessageReceipt: (message: WAMessage) => Promise<void>;
  /** Whether a message whose Signal key was used already is stored (if not, the sender is asked again). */
  isMessageStored: (key: WAMessageKey) => Promise<boolean>;
  /** The instance's `sync_history` now (asked at each history notification). */
  historySync: () => InstanceSettings['sync_history'];
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

/**
 * One Baileys socket with TurboZap's settings: history sync only as the instance's
 * `sync_history` asks (off by default: it holds events back for up to 20 s after a first login,
 * and TurboZap stores no history yet), no recent-message cache (getMessage reads Postgres), not
 * marked online (the phone keeps getting notifications), bounded commit retries so a fenced
 * (rejected) write fails fast, and bounded caches instead of Baileys' unbounded defaults.
 */
export function createSocket(options: SocketOptions): WASocket {
  return makeWASocket({
    ...(options.environment.waWebSocketUrl ? { waWebSocketUrl: options.environment.waWebSocketUrl } : {}),
    ...(options.environment.mediaRoute
      ? { fetchAgent: options.environment.mediaRoute.uploadAgent, options: options.environment.mediaRoute.fetchOptions }
      : {}),
    version: options.environment.version,
    auth: options.auth,
    logger: options.logger,
    browser: Browsers.ubuntu('Chrome'),
    connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
    defaultQueryTimeoutMs: options.queryTimeoutMs ?? 30_000,
    markOnlineOnConnect: false,
    syncFullHistory: options.historySync() === 'full',
    shouldSyncHistoryMessage: (notification) => wantsHistory(options.historySync(), notification.syncType),
    fireInitQueries: true,
    enableRecentMessageCache: false,
    transactionOpts: { maxCommitRetries: 2, delayBetweenTriesMs: 200 },
    getMessage: options.getMessage,
    beforeMessageReceipt: options.beforeMessageReceipt,
    isMessageStored: options.isMessageStored,
    msgRetryCounterCache: new TtlLruCache(1_000, 60 * 60_000),
    userDevicesCache: new TtlLruCache(2_000, 5 * 60_000),
    callOfferCache: new TtlLruCache(100, 5 * 60_000),
    placeholderResendCache: new TtlLruCache(1_000, 60 * 60_000),
  });
}
