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
  'chat.read': z.object({ jid, message_ids: z.array(z.string()).optional() }),
  'chat.archive': z.object({ jid, archive: z.boolean() }),
  'chat.pin': z.object({ jid, pin: z.boolean() }),
  /** 0 unmutes. */
  'chat.mute': z.object({ jid, seconds: z.number().int().nonnegative() }),
} as const;

export type RpcMethod = keyof typeof rpcParams;
export type RpcParams<M extends RpcMethod> = z.infer<(typeof rpcParams)[M]>;

/** What the API relays of WhatsApp's group metadata (WhatsApp's object carries more, passed as is). */
export interface GroupMetadata {
  id: string;
  subject: string;
  owner: string | undefined;
  participants: Array<{ id: string; admin?: 'admin' | 'superadmin' | null }>;
}

/** A chat this instance has stored messages of. */
export interface ChatSummary {
  jid: string;
  last_message_at: string;
  push_name: string | null;
}

export interface RpcResults {
  'group.create': GroupMetadata;
  'group.list': GroupMetadata[];
  'group.get': GroupMetadata;
  'group.participants': Array<{ status: string; jid: string | undefined }>;
  'group.join': { group_id: string | undefined };
  'group.leave': { left: true };
  'group.invite': { code: string | undefined; link: string | null };
  'contact.check': Array<{ number: string; exists: boolean; jid: string | null; lid: string | null }>;
  'contact.list': Array<Pick<ChatSummary, 'jid' | 'push_name'>>;
  'contact.get': { jid: string; status: unknown };
  'contact.picture': { url: string | null };
  'contact.block': { blocked: true };
  'contact.unblock': { blocked: false };
  'presence.set': { presence: string };
  'presence.subscribe': { subscribed: true };
  'profile.get': { jid: string | null; lid: string | null; name: string | null };
  'profile.update': { updated: true };
  /** Setting name → value, as WhatsApp reports them. */
  'privacy.get': Record<string, string>;
  'privacy.update': RpcParams<'privacy.update'>;
  'chat.list': ChatSummary[];
  'chat.read': { read: number };
  'chat.archive': { archived: boolean };
  'chat.pin': { pinned: boolean };
  'chat.mute': { muted_until: string | null };
}
export type RpcResult<M extends RpcMethod> = RpcResults[M];

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
