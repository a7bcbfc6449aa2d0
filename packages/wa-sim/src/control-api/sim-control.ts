// What the control API needs from a simulator, and the shapes it answers with. The routes depend
// on this interface and WaSimulator implements it, so the routes never import the simulator that
// mounts them.
import type { AccountInfo, AccountSettings, CallRecord, InboxEntry, OutboxEntry } from '../accounts/types.ts';
import type { FaultRequest } from '../faults.ts';
import type { GroupRole } from '../groups/registry.ts';
import type { LinkResult } from '../pairing/link.ts';
import type { SendOptions } from '../routing/phone-send.ts';
import type { SimStats } from '../stats.ts';

export interface SimInfo {
  wsUrl: string;
  rootPublicKey: string;
  mediaHosts: string[];
}

export interface DeviceInfo {
  id: number;
  jid: string;
  online: boolean;
  platform: string;
  linkedAt: number;
  preKeys: number;
  /** Stanzas waiting for the device's next login (it was offline when they came). */
  queued: number;
  /** Stanzas written to the device's connection and not acknowledged yet (redelivered at its next login). */
  pending: number;
  /** Its live connection's id (a new one after each reconnect); null while offline. */
  connection: string | null;
  /** The presence the device announced for itself on its live connection; null when none, or offline. */
  presence: 'available' | 'unavailable' | null;
}

export interface AccountDetails extends AccountInfo {
  pushName: string;
  autoRead: boolean;
  deliveryReceipts: boolean;
  devices: DeviceInfo[];
}

export interface GroupInfo {
  jid: string;
  subject: string;
  owner: string;
  participants: { jid: string; role: GroupRole }[];
}

export interface SimControl {
  info(): SimInfo;
  stats(): SimStats;
  createAccount(input: { phone: string } & AccountSettings): AccountInfo;
  account(phone: string): AccountDetails;
  scanQr(phone: string, qr: string): Promise<LinkResult>;
  enterPairingCode(phone: string, code: string): Promise<LinkResult>;
  inbox(phone: string): InboxEntry[];
  outbox(phone: string): OutboxEntry[];
  sendText(phone: string, to: string, text: string, opts?: SendOptions): Promise<{ id: string }>;
  sendMedia(phone: string, to: string, media: unknown, opts?: SendOptions): Promise<{ id: string }>;
  sendPoll(phone: string, to: string, poll: unknown, opts?: SendOptions): Promise<{ id: string }>;
  sendProtocol(
    phone: string,
    to: string,
    target: { revoke?: unknown; edit?: unknown },
    opts?: SendOptions,
  ): Promise<{ id: string }>;
  vote(phone: string, to: string, pollId: string, options: unknown): Promise<{ id: string }>;
  markRead(phone: string, ids?: string[]): string[];
  /** `phone`'s phone calls `to` (a phone or JID of a simulated account). */
  call(phone: string, to: string, video?: boolean): CallRecord;
  /** The calls `phone`'s phone placed, oldest first. */
  calls(phone: string): CallRecord[];
  removeDevice(phone: string, jid?: string): { removed: string[] };
  createGroup(owner: string, subject: string, members?: string[]): GroupInfo;
  group(jid: string): GroupInfo;
  injectFault(fault: FaultRequest): { affected: number };
  clearFaults(): void;
}
