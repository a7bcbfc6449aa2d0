import {
  type ChatSummary,
  type GroupMetadata,
  parseRpcParams,
  type RpcMethod,
  type RpcParams,
  type RpcResult,
} from '@turbozap/shared/contracts/rpc';
import type { MessageRow } from '@turbozap/shared/db/schema';
import type { GroupMetadata as WAGroupMetadata, WAPresence, WASocket } from '@whiskeysockets/baileys';
import { ZodError } from 'zod';
import { toJid } from '../outbound/content-mapper.ts';
import { type ReadTools, readChat } from '../reads/read-chat.ts';

/** A request the owner cannot serve as asked: replied as `{ ok: false, error: { code, message } }`. */
export class RpcError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

/** What a handler has besides its params. */
export interface RpcTools {
  sock: WASocket;
  /** Stored messages of this instance, newest first (optionally of one chat): chats and contacts are derived from them. */
  recent(remoteJid?: string, limit?: number): Promise<MessageRow[]>;
  /**
   * The bytes behind a URL the caller gave, through the SSRF guard and the size cap; throws an
   * RpcError with a stable code. Baileys gets these bytes: given a URL, it would fetch it unguarded.
   */
  fetchMedia(url: string): Promise<Buffer>;
  unread: ReadTools['unread'];
  markRead: ReadTools['markRead'];
}

interface RpcCall<M extends RpcMethod> extends RpcTools {
  params: RpcParams<M>;
}

type Handlers = { [M in RpcMethod]: (call: RpcCall<M>) => Promise<RpcResult<M>> };

const groupJid = (id: string) => (id.includes('@') ? id : `${id}@g.us`);
const digits = (n: string) => n.replace(/\D/g, '');

/** WhatsApp's group metadata as the contract tells it (Baileys' object carries internals we do not promise). */
const groupView = (g: WAGroupMetadata): GroupMetadata => ({
  id: g.id,
  subject: g.subject,
  owner: g.owner ?? null,
  description: g.desc ?? null,
  created_at: g.creation ? new Date(g.creation * 1000).toISOString() : null,
  announce: g.announce ?? false,
  restrict: g.restrict ?? false,
  participants: g.participants.map((p) => ({ id: p.id, admin: p.admin ?? null })),
});

/** The API's presence names → Baileys' (`clear` stops typing). */
const presences: Record<RpcParams<'presence.set'>['state'], WAPresence> = {
  available: 'available',
  unavailable: 'unavailable',
  composing: 'composing',
  recording: 'recording',
  clear: 'paused',
};

async function privacyUpdate(sock: WASocket, params: RpcParams<'privacy.update'>) {
  const setters: Record<RpcParams<'privacy.update'>['setting'], (v: never) => Promise<void>> = {
    last_seen: sock.updateLastSeenPrivacy,
    online: sock.updateOnlinePrivacy,
    profile_picture: sock.updateProfilePicturePrivacy,
    status: sock.updateStatusPrivacy,
    read_receipts: sock.updateReadReceiptsPrivacy,
    groups_add: sock.updateGroupsAddPrivacy,
  };
  // Each setter takes its own subset of the values; WhatsApp refuses one a setting does not know.
  await setters[params.setting](params.value as never);
  return { setting: params.setting, value: params.value };
}

/** Chats, as far as this instance has stored messages of them (Baileys keeps no chat store). */
async function chats(call: RpcTools): Promise<ChatSummary[]> {
  const byChat = new Map<string, ChatSummary>();
  for (const m of await call.recent(undefined, 2_000)) {
    if (byChat.has(m.remote_jid)) continue;
    const pushName = typeof m.content['push_name'] === 'string' ? (m.content['push_name'] as string) : null;
    byChat.set(m.remote_jid, { jid: m.remote_jid, last_message_at: m.created_at.toISOString(), push_name: pushName });
  }
  return [...byChat.values()];
}

/** The last message of a chat, which WhatsApp needs to archive it. */
async function lastMessages(call: RpcTools, chat: string) {
  const [last] = await call.recent(chat, 1);
  if (!last?.wa_message_id) throw new RpcError('chat_not_found', 'no stored message in this chat');
  return [
    {
      key: { remoteJid: chat, id: last.wa_message_id, fromMe: last.direction === 'outbound' },
      messageTimestamp: Math.floor(last.created_at.getTime() / 1000),
    },
  ];
}

/** One handler per method of the contract (contracts/rpc.ts): a missing one, or one reading or returning another shape, does not compile. */
const handlers: Handlers = {
  'group.create': async ({ sock, params }) =>
    groupView(await sock.groupCreate(params.subject, params.participants.map(toJid))),
  'group.list': async ({ sock }) => Object.values(await sock.groupFetchAllParticipating()).map(groupView),
  'group.get': async ({ sock, params }) => groupView(await sock.groupMetadata(groupJid(params.groupId))),
  'group.participants': async ({ sock, params }) =>
    (await sock.groupParticipantsUpdate(groupJid(params.groupId), params.participants.map(toJid), params.action)).map(
      ({ status, jid }) => ({ status, jid: jid ?? null }),
    ),
  'group.join': async ({ sock, params }) => ({
    group_id: (await sock.groupAcceptInvite(params.invite_code.replace(/^.*\//, ''))) ?? null,
  }),
  'group.leave': async ({ sock, params }) => {
    await sock.groupLeave(groupJid(params.groupId));
    return { left: true };
  },
  'group.invite': async ({ sock, params }) => {
    const code = await sock.groupInviteCode(groupJid(params.groupId));
    return { code: code ?? null, link: code ? `https://chat.whatsapp.com/${code}` : null };
  },
  'contact.check': async ({ sock, params }) => {
    const { numbers } = params;
    const found = (await sock.onWhatsApp(...numbers.map(digits))) ?? [];
    return numbers.map((n) => {
      const hit = found.find((f) => f.jid.startsWith(`${digits(n)}@`));
      return {
        number: n,
        exists: Boolean(hit?.exists),
        jid: hit?.jid ?? null,
        lid: (hit as { lid?: string } | undefined)?.lid ?? null,
      };
    });
  },
  'contact.list': async (call) =>
    (await chats(call)).filter((c) => !c.jid.endsWith('@g.us')).map(({ jid, push_name }) => ({ jid, push_name })),
  'contact.get': async ({ sock, params }) => {
    const target = toJid(params.jid);
    const [status] = (await sock.fetchStatus(target).catch(() => undefined)) ?? [];
    const about = (status as { status?: unknown } | undefined)?.status;
    return { jid: target, status: typeof about === 'string' ? about : null };
  },
  'contact.picture': async ({ sock, params }) => ({
    url: (await sock.profilePictureUrl(toJid(params.jid), 'image').catch(() => undefined)) ?? null,
  }),
  'contact.block': async ({ sock, params }) => {
    await sock.updateBlockStatus(toJid(params.jid), 'block');
    return { blocked: true };
  },
  'contact.unblock': async ({ sock, params }) => {
    await sock.updateBlockStatus(toJid(params.jid), 'unblock');
    return { blocked: false };
  },
  'presence.set': async ({ sock, params }) => {
    await sock.sendPresenceUpdate(presences[params.state], params.to === undefined ? undefined : toJid(params.to));
    return { presence: params.state };
  },
  'presence.subscribe': async ({ sock, params }) => {
    await sock.presenceSubscribe(toJid(params.jid));
    return { subscribed: true };
  },
  'profile.get': async ({ sock }) => ({
    jid: sock.user?.id ?? null,
    lid: sock.user?.lid ?? null,
    name: sock.user?.name ?? null,
  }),
  'profile.update': async ({ sock, params, fetchMedia }) => {
    // Fetched first: a picture that cannot be had fails the call before anything else changed.
    const picture = params.picture_url === undefined ? undefined : await fetchMedia(params.picture_url);
    if (params.name !== undefined) await sock.updateProfileName(params.name);
    if (params.status !== undefined) await sock.updateProfileStatus(params.status);
    if (picture && sock.user?.id) await sock.updateProfilePicture(sock.user.id, picture);
    return { updated: true };
  },
  'privacy.get': ({ sock }) => sock.fetchPrivacySettings(true),
  'privacy.update': ({ sock, params }) => privacyUpdate(sock, params),
  'chat.list': (call) => chats(call),
  'chat.read': async (call) => ({ read: await readChat(call, toJid(call.params.jid), call.params.message_ids) }),
  'chat.archive': async (call) => {
    const chat = toJid(call.params.jid);
    const { archive } = call.params;
    await call.sock.chatModify({ archive, lastMessages: await lastMessages(call, chat) }, chat);
    return { archived: archive };
  },
  'chat.pin': async ({ sock, params }) => {
    await sock.chatModify({ pin: params.pin }, toJid(params.jid));
    return { pinned: params.pin };
  },
  'chat.mute': async ({ sock, params }) => {
    const { seconds } = params;
    await sock.chatModify({ mute: seconds > 0 ? Date.now() + seconds * 1000 : null }, toJid(params.jid));
    return { muted_until: seconds > 0 ? new Date(Date.now() + seconds * 1000).toISOString() : null };
  },
  'call.reject': async ({ sock, params }) => {
    await sock.rejectCall(params.call_id, toJid(params.from));
    return { rejected: true };
  },
};

/** Runs a request the API made (contracts/rpc.ts): its params parsed against the method's schema first. */
export async function runRpc<M extends RpcMethod>(method: M, params: unknown, tools: RpcTools): Promise<RpcResult<M>> {
  let parsed: RpcParams<M>;
  try {
    parsed = parseRpcParams(method, params);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const problems = error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
    throw new RpcError('validation_failed', problems.join('; '));
  }
  const handler: Handlers[M] = handlers[method];
  return handler({ ...tools, params: parsed });
}
