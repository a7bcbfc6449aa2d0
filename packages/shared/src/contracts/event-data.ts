import { z } from 'zod';
import { instanceStatuses } from '../db/tables/instances.ts';
import type { EventType } from './events.ts';

// Strict objects: the schemas are checked against the documented examples in tests only (never
// on the hot path), and a stray field in an example is a documentation bug worth failing on.

const jid = z.string().nullable();

/** Who a received message, a revoke or a poll vote came from, and where. */
const inboundOrigin = {
  remote_jid: jid.describe('The chat: the contact, or the group'),
  remote_lid: jid.describe("The contact's LID; null in a group"),
  is_group: z.boolean(),
  participant_jid: jid.describe('In a group, the sender; null otherwise'),
  participant_lid: jid.describe("In a group, the sender's LID; null otherwise"),
  push_name: z.string().nullable().describe("The sender's display name"),
  timestamp: z.number().nullable().describe('When WhatsApp says it was sent, unix seconds'),
};
export type InboundOrigin = z.infer<z.ZodObject<typeof inboundOrigin>>;

const messageId = z.string().describe('The message id (`GET /message/:instance/:id`)');
const waMessageId = z.string().describe("WhatsApp's id of the message");
const messageType = z.string().describe('The message type as the API names it (text, image, …, poll)');

const messageReceived = z.strictObject({
  id: messageId,
  wa_message_id: waMessageId,
  type: messageType.describe('The message type as the API names it; `edit` for an edit'),
  ...inboundOrigin,
  content: z
    .record(z.string(), z.unknown())
    .describe('The content, as `GET /message` shows it; an edit names its target in `target_wa_message_id`'),
  media_key: z.string().nullable().describe('Where the media is stored; null without media'),
  media_url: z.string().optional().describe('A temporary URL of the stored media'),
});

const messageSent = z.strictObject({
  id: messageId,
  wa_message_id: waMessageId,
  remote_jid: z.string(),
  remote_lid: jid,
  type: messageType,
  status: z.literal('sent'),
});

const messageAck = z.strictObject({
  wa_message_id: waMessageId,
  status: z.enum(['delivered', 'read']),
  remote_jid: z.string().describe('The recipient (in a group, who acknowledged when known)'),
  remote_lid: jid,
  id: messageId,
});

/**
 * Both emitters (session-worker: WhatsApp refused it; sender-worker: expired, unsendable,
 * delivery unknown) send this one shape. `id` matches the other message events; `message_id`
 * is what the sender-worker's failures carried alone, kept so receivers reading it still work.
 */
const messageFailed = z.strictObject({
  id: messageId,
  message_id: z.string().describe('Same as `id` (older receivers read this name)'),
  wa_message_id: z.string().nullable().describe('Null when it never reached WhatsApp'),
  remote_jid: z.string(),
  type: messageType,
  status: z.enum(['failed', 'expired']),
  reason: z.string().describe('Machine-readable: invalid_recipient, invalid_content, expired, delivery_unknown, …'),
});

const messageRevoked = z.strictObject({
  wa_message_id: z.string().describe('The deleted message'),
  ...inboundOrigin,
});

const instanceStatus = z.enum(instanceStatuses);
const connectionUpdate = z.strictObject({
  status: instanceStatus,
  previous_status: instanceStatus,
  reason: z.string().optional().describe('Why, when it is a disconnection'),
  code: z.number().optional().describe("WhatsApp's status code, when it gave one"),
  jid: jid.optional().describe('The linked account, once connected'),
  lid: jid.optional(),
  push_name: z.string().nullable().optional(),
});

const expiresIn = z.number().describe('How long it stays valid, ms');
const qrcodeUpdated = z.union([
  z.strictObject({ qrcode: z.string().describe('The QR payload, to render'), expires_in_ms: expiresIn }),
  z.strictObject({ pairing_code: z.string().describe('The code to type on the phone'), expires_in_ms: expiresIn }),
]);

const groupParticipantsUpdate = z.strictObject({
  group_jid: z.string(),
  action: z.enum(['add', 'remove', 'promote', 'demote', 'modify']),
  author_jid: jid,
  author_lid: jid,
  participants: z.array(z.strictObject({ jid, lid: jid, admin: z.enum(['admin', 'superadmin']).nullable() })),
});

/** Only what changed is present. */
const groupUpdate = z.strictObject({
  group_jid: z.string(),
  subject: z.string().optional(),
  description: z.string().optional(),
  announce: z.boolean().optional().describe('Only admins may send'),
  restrict: z.boolean().optional().describe('Only admins may change settings'),
  ephemeral_duration: z.number().optional().describe('Disappearing messages, seconds'),
  member_add_mode: z.boolean().optional(),
  join_approval_mode: z.boolean().optional(),
});

const presenceUpdate = z.strictObject({
  chat_jid: jid.describe('The chat: the contact, or the group'),
  participant_jid: jid,
  participant_lid: jid,
  presence: z.enum(['unavailable', 'available', 'composing', 'recording', 'paused']),
  last_seen: z.number().nullable(),
});

const call = {
  call_id: z.string(),
  from_jid: jid,
  from_lid: jid,
  is_video: z.boolean(),
  is_group: z.boolean(),
  group_jid: jid,
  at: z.string().nullable().describe('When the call started, ISO 8601'),
};
const callReceived = z.strictObject({ ...call, status: z.literal('offer') });
const callMissed = z.strictObject({ ...call, status: z.enum(['timeout', 'terminate']) });

const pollVote = z.strictObject({
  ...inboundOrigin,
  poll_wa_message_id: z.string().describe("The poll's `wa_message_id`"),
  vote_wa_message_id: z.string().describe("The vote's own WhatsApp id"),
  voter_jid: jid,
  voter_lid: jid,
  selected_options: z.array(z.string()).nullable().describe('Option names; empty: vote withdrawn; null: unreadable'),
  sender_timestamp_ms: z.number().describe("The voter's clock: keep the greatest per voter and poll"),
  decrypt_error: z.enum(['unknown_poll', 'decrypt_failed', 'malformed_vote']).nullable(),
});

/** In the catalogue so subscriptions naming it are valid; nothing emits it yet. */
const notEmittedYet = z.never().describe('Not emitted yet');

/** Each event type's `data`: what webhooks and the SSE stream deliver. */
export const eventData = {
  'message.received': messageReceived,
  'message.sent': messageSent,
  'message.ack': messageAck,
  'message.failed': messageFailed,
  'message.revoked': messageRevoked,
  'connection.update': connectionUpdate,
  'qrcode.updated': qrcodeUpdated,
  'group.participants.update': groupParticipantsUpdate,
  'group.update': groupUpdate,
  'presence.update': presenceUpdate,
  'call.received': callReceived,
  'call.missed': callMissed,
  'poll.vote': pollVote,
  'button.response': messageReceived,
  'list.response': messageReceived,
  'story.viewed': notEmittedYet,
} as const satisfies Record<EventType, z.ZodType>;

export type EventData<E extends EventType> = z.infer<(typeof eventData)[E]>;
