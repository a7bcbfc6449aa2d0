import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import type { Coordination } from '@turbozap/shared/coordination/port';
import type { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { WAMessage, WAMessageKey, WASocket } from '@whiskeysockets/baileys';
import type { MessageWrites } from '../message-writes.ts';
import type { BaileysEnvironment } from './baileys-env.ts';
import type { ReconnectOptions } from './reconnect-policy.ts';

/** What the owner of an instance plugs into its connection. */
export interface ConnectionHooks {
  /** A new socket exists: subscribe the inbound handlers to its events. */
  attach(sock: WASocket): void;
  /**
   * A message decrypted: resolve once it is stored, and only then does WhatsApp get its receipt;
   * reject to leave it with WhatsApp, which redelivers it at the next login.
   */
  received(sock: WASocket, message: WAMessage): Promise<void>;
  /** Whether a received message is stored: a copy whose key was used already but is not gets resent. */
  stored(key: WAMessageKey): Promise<boolean>;
  /** The socket is logged in and may send (start the outbox consumer). */
  opened(sock: WASocket): void;
  /** The socket is gone (stop the outbox consumer). */
  closed(): void;
  /** WhatsApp says another socket took this device (440): the owner must let go. */
  conflict(): void;
  /**
   * A Signal-key read or write waits for the database: stop reading the socket until the
   * returned release is called (ReadPause), so what arrives meanwhile stays with WhatsApp.
   */
  waitingForDatabase(): () => void;
  /** The instance's `sync_history` setting now, which the socket consults. */
  historySync(): InstanceSettings['sync_history'];
}

/** What a connection is built from: the worker's ports and settings it uses. */
export interface ConnectionPorts {
  cipher: KeyringCipher;
  /** Signal-key writes, group-committed with other instances' (and the send pass riding on them). */
  writes: MessageWrites;
  baileys: BaileysEnvironment;
  reconnect: ReconnectOptions;
  coordination: Coordination;
  metrics: Metrics;
}
