import { z } from 'zod';

/**
 * Request/reply from the API to the session-worker that owns an instance (groups, contacts,
 * presence, profile, chats), on the channels of contracts/kv.ts. Each method has one params
 * schema, which the API parses before it sends and the owner parses on receipt, and one result
 * type: the API's client and the worker's handlers are both typed by this map.
 *
 * The params are what the owner acts on, already normalised by the API (JIDs, defaults); the
 * HTTP shapes that produce them (path parameters, limits, aliases) are the API's routes.
 */
const jid = z.string().min(1);
const groupId = z.string().min(1);
const none = z.object({});

export const presenceStates = ['available', 'unavailable', 'composing', 'recording', 'clear'] as const;
export const privacySettings = [
  'last_seen',
  'online',
  'profile_picture',
  'status',
  'read_receipts',
  'groups_add',
] as const;
export const privacyValues = ['all', 'contacts', 'contact_blacklist', 'none', 'match_last_seen'] as const;

export const rpcParams = {
  'group.create': z.object({ subject: z.string().min(1), participants: z.array(jid) }),
  'group.list': none,
  'group.get': z.object({ groupId }),
  'group.participants': z.object({
    groupId,
    action: z.enum(['add', 'remove', 'promote', 'demote']),
    participants: z.array(jid),
  }),
  /** An invite code, or the chat.whatsapp.com link that ends in one. */
  'group.join': z.object({ invite_code: z.string().min(1) }),
  'group.leave': z.object({ groupId }),
  'group.invite': z.object({ groupId }),
  /** Phone numbers, digits with or without `+`. */
  'contact.check': z.object({ numbers: z.array(z.string().min(1)) }),
  'contact.list': none,
  'contact.get': z.object({ jid }),
  'contact.picture': z.object({ jid }),
  'contact.block': z.object({ jid }),
  'contact.unblock': z.object({ jid }),
  /** `to`: a chat to show the state in (typing, recording); absent: everyone. */
  'presence.set': z.object({ state: z.enum(presenceStates), to: jid.optional() }),
  'presence.subscribe': z.object({ jid }),
  'profile.get': none,
  /** `picture_url`: fetched by the owner through the SSRF guard. */
  'profile.update': z.object({
    name: z.string().optional(),
    status: z.string().optional(),
    picture_url: z.string().optional(),
  }),
  'privacy.get': none,
  'privacy.update': z.object({ setting: z.enum(privacySettings), value: z.enum(privacyValues) }),
  'chat.list': none,
  /** Without `message_ids`, every received message of the chat not marked read yet. */
  'chat.read': z.object({ jid, message_ids: z.array(z.string()).optional() }),
  'chat.archive': z.object({ jid, archive: z.boolean() }),
  'chat.pin': z.object({ jid, pin: z.boolean() }),
  /** 0 unmutes. */
  'chat.mute': z.object({ jid, seconds: z.number().int().nonnegative() }),
  /** A ringing call, as `call.received` names it: its `call_id` and who is calling (`from`). */
  'call.reject': z.object({ call_id: z.string().min(1), from: jid }),
} as const;

export type RpcMethod = keyof typeof rpcParams;
export type RpcParams<M extends RpcMethod> = z.infer<(typeof rpcParams)[M]>;

/** A group as the API tells it (the owner maps WhatsApp's metadata to this; nothing else passes). */
export const groupMetadata = z.object({
  id: z.string(),
  subject: z.string(),
  /** Who created the group, when WhatsApp says. */
  owner: z.string().nullable(),
  description: z.string().nullable(),
  /** ISO 8601, when WhatsApp says. */
  created_at: z.string().nullable(),
  /** Only admins send messages. */
  announce: z.boolean(),
  /** Only admins edit the group's info. */
  restrict: z.boolean(),
  participants: z.array(z.object({ id: z.string(), admin: z.enum(['admin', 'superadmin']).nullable() })),
});
export type GroupMetadata = z.infer<typeof groupMetadata>;

/** A chat this instance has stored messages of. */
export const chatSummary = z.object({
  jid: z.string(),
  last_message_at: z.string(),
  push_name: z.string().nullable(),
});
export type ChatSummary = z.infer<typeof chatSummary>;

/** What each method answers: the owner returns it, the API relays it as the route's `data`. */
export const rpcResults = {
  'group.create': groupMetadata,
  'group.list': z.array(groupMetadata),
  'group.get': groupMetadata,
  'group.participants': z.array(z.object({ status: z.string(), jid: z.string().nullable() })),
  'group.join': z.object({ group_id: z.string().nullable() }),
  'group.leave': z.object({ left: z.literal(true) }),
  'group.invite': z.object({ code: z.string().nullable(), link: z.string().nullable() }),
  'contact.check': z.array(
    z.object({ number: z.string(), exists: z.boolean(), jid: z.string().nullable(), lid: z.string().nullable() }),
  ),
  'contact.list': z.array(chatSummary.pick({ jid: true, push_name: true })),
  /** `status`: the contact's about text, when WhatsApp shows it. */
  'contact.get': z.object({ jid: z.string(), status: z.string().nullable() }),
  'contact.picture': z.object({ url: z.string().nullable() }),
  'contact.block': z.object({ blocked: z.literal(true) }),
  'contact.unblock': z.object({ blocked: z.literal(false) }),
  'presence.set': z.object({ presence: z.enum(presenceStates) }),
  'presence.subscribe': z.object({ subscribed: z.literal(true) }),
  'profile.get': z.object({ jid: z.string().nullable(), lid: z.string().nullable(), name: z.string().nullable() }),
  'profile.update': z.object({ updated: z.literal(true) }),
  /** Setting name → value, as WhatsApp reports them. */
  'privacy.get': z.record(z.string(), z.string()),
  'privacy.update': rpcParams['privacy.update'],
  'chat.list': z.array(chatSummary),
  /** How many messages this call marked read (none already marked are marked again). */
  'chat.read': z.object({ read: z.number().int() }),
  'chat.archive': z.object({ archived: z.boolean() }),
  'chat.pin': z.object({ pinned: z.boolean() }),
  'chat.mute': z.object({ muted_until: z.string().nullable() }),
  'call.reject': z.object({ rejected: z.literal(true) }),
} as const satisfies Record<RpcMethod, z.ZodType>;

export type RpcResult<M extends RpcMethod> = z.infer<(typeof rpcResults)[M]>;

export const isRpcMethod = (method: string): method is RpcMethod => Object.hasOwn(rpcParams, method);

/** Parses a method's params; throws a ZodError for params that do not match its schema. */
export function parseRpcParams<M extends RpcMethod>(method: M, params: unknown): RpcParams<M> {
  return rpcParams[method].parse(params) as RpcParams<M>;
}

export const rpcRequest = z.object({
  requestId: z.string(),
  /** Checked against the map by the owner: an unknown one is answered `unknown_method`. */
  method: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** Epoch ms after which the owner must not execute it (the caller has given up). */
  deadline: z.number(),
});
export type RpcRequest = z.infer<typeof rpcRequest>;
export const rpcReply = z.object({
  requestId: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type RpcReply = z.infer<typeof rpcReply>;
