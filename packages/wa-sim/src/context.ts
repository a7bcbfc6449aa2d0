// Shared state every stanza handler and control-API route works on.
import type { EventEmitter } from 'node:events';
import type { AccountRegistry } from './accounts/registry.ts';
import type { InboxEntry, OutboxStatus } from './accounts/types.ts';
import type { Faults } from './faults.ts';
import type { GroupRegistry } from './groups/registry.ts';
import type { SimLogger } from './log.ts';
import type { MediaStore } from './media/store.ts';
import type { CertificateAuthority } from './noise/ca.ts';
import type { ResolvedOptions } from './options.ts';
import type { PairingRegistry } from './pairing/registrations.ts';
import type { SimStats } from './stats.ts';
import type { Connection } from './transport/connection.ts';
import type { SessionRegistry } from './transport/sessions.ts';
import type { BoundedMap } from './util/bounded.ts';
import type { Timers } from './util/timers.ts';

export interface SimEvents {
  linked: [{ phone: string; deviceId: number; jid: string }];
  login: [{ phone: string; deviceId: number }];
  conflict: [{ phone: string; deviceId: number }];
  inbox: [{ phone: string; entry: InboxEntry }];
  receipt: [{ phone: string; id: string; status: OutboxStatus; by: string }];
  removed: [{ phone: string; deviceId: number }];
}

/** Which device of which account sent a message (so retry receipts reach the right device). */
export interface MessageOrigin {
  deviceId: number;
  kind: 'pn' | 'lid';
}

export interface SimContext {
  readonly opts: ResolvedOptions;
  readonly log: SimLogger;
  readonly ca: CertificateAuthority;
  readonly accounts: AccountRegistry;
  readonly sessions: SessionRegistry;
  readonly connections: Set<Connection>;
  readonly pairing: PairingRegistry;
  readonly groups: GroupRegistry;
  readonly faults: Faults;
  readonly stats: SimStats;
  readonly events: EventEmitter<SimEvents>;
  /** `${senderPhone}|${messageId}` → origin device, for messages sent by companion devices. */
  readonly origins: BoundedMap<string, MessageOrigin>;
  readonly timers: Timers;
  /** Encrypted files uploaded to (or sent through) the simulated media host. */
  readonly media: MediaStore;
}
