import type { proto } from '@whiskeysockets/baileys';
import type { BinaryNode } from '../binary/nodes.ts';
import type { InboxMedia } from '../media/inspect.ts';
import type { LinkPreviewSeen } from '../routing/describe.ts';
import type { PendingStanzas } from '../routing/pending.ts';
import type { SimSignalDevice } from '../signal/sim-signal-device.ts';

export interface SignedPreKeyRecord {
  keyId: number;
  publicKey: Buffer;
  signature: Buffer;
}

/** A linked companion device (a Baileys client), as the server stores it after pairing. */
export interface CompanionDevice {
  id: number;
  keyIndex: number;
  /** Client static noise key: a login must present the same key. */
  noiseKey: Buffer;
  /** 32-byte Signal identity key. */
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: SignedPreKeyRecord;
  /** Uploaded one-time prekeys, consumed by bundle fetches. */
  preKeys: Map<number, Buffer>;
  platform: string;
  linkedAt: number;
  /** Stanzas addressed to the device while it was offline, delivered at its next login. */
  offlineQueue: BinaryNode[];
  /** Stanzas written to its live connection and not acknowledged yet, redelivered at its next login. */
  pending: PendingStanzas;
  /** `senderUser|messageId` of messages already delivered (duplicate suppression). */
  seen: Set<string>;
}

export interface InboxEntry {
  id: string;
  /** Sender JID, phone-number form, user level. */
  from: string;
  /** `text`, or the kind of content (`image`, `reaction`, `protocol`, ...). */
  type: string;
  text?: string;
  /** Unix seconds. */
  timestamp: number;
  /** Sending device number (0 = phone). */
  fromDevice: number;
  /** Group JID for group messages. */
  group?: string;
  /** Image, video, audio, document or sticker as the phone downloaded and decrypted it. */
  media?: InboxMedia;
  /** It came in WhatsApp's view-once wrapper (the recipient may open it once). */
  viewOnce?: true;
  /** Marked forwarded (contextInfo.isForwarded), with WhatsApp's forwarding score. */
  forwardingScore?: number;
  /** A text's link preview (title, description, thumbnail) as it came. */
  linkPreview?: LinkPreviewSeen;
}

export type OutboxStatus = 'sent' | 'delivered' | 'read';

/** A message a simulated phone sent (kept for receipts and retry receipts). */
export interface OutboxEntry {
  id: string;
  to: string;
  /** `text`, or the media kind (`image`, ...). */
  type: string;
  /** The text, or the media caption (empty without one). */
  text: string;
  timestamp: number;
  status: OutboxStatus;
  /** Phones whose read receipt for it arrived (one per reader: group members read separately). */
  readBy: string[];
}

/** An outbox entry with what was sent, for resending after a retry receipt (not in the API). */
export interface OutboxRecord extends OutboxEntry {
  message: proto.IMessage;
}

/** A call a simulated phone placed (`POST /sim/accounts/:phone/call`), and what became of it. */
export interface CallRecord {
  id: string;
  /** The callee, phone-number JID. */
  to: string;
  video: boolean;
  status: 'ringing' | 'rejected';
  /** Unix ms. */
  at: number;
  /** The account whose device rejected it (phone-number JID). */
  rejectedBy?: string;
}

/** What `POST /sim/accounts` may set on a simulated user. */
export interface AccountSettings {
  pushName?: string;
  autoRead?: boolean;
  deliveryReceipts?: boolean;
}

/** A simulated WhatsApp user: a phone (device 0, simulated) plus any companion devices. */
export interface Account {
  phone: string;
  /** LID user part (digits), the account's privacy identity. */
  lid: string;
  pushName: string;
  /** Send read receipts automatically for messages its phone receives. */
  autoRead: boolean;
  /**
   * Send a delivery receipt for each message its phone receives (default). Off, senders see their
   * messages stay `sent` until the phone reads them.
   */
  deliveryReceipts: boolean;
  phoneDevice: SimSignalDevice;
  companions: Map<number, CompanionDevice>;
  nextDeviceId: number;
  inbox: InboxEntry[];
  outbox: Map<string, OutboxRecord>;
  /** Dedupe set of the phone (device 0). */
  seen: Set<string>;
  /** Calls its phone placed, by call id. */
  calls: Map<string, CallRecord>;
  createdAt: number;
}

export interface AccountInfo {
  phone: string;
  jid: string;
  lid: string;
}
