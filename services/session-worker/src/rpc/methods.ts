import type { RpcMethod } from '@turbozap/shared/contracts/control';
import type { MessageRow } from '@turbozap/shared/db/schema';
import type { WAPresence, WASocket } from '@whiskeysockets/baileys';
import { toJid } from '../outbound/content-mapper.ts';

/** A request the owner cannot serve as asked: replied as `{ ok: false, error: { code, message } }`. */
export class RpcError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

export interface RpcCall {
  sock: WASocket;
  /** The API's validated body/query plus path parameters (e.g. `groupId`, `jid`). */
  params: Record<string, unknown>;
  /** Stored messages of this instance, newest first (optionally of one chat): chats and contacts are derived from them. */
  recent(remoteJid?: string, limit?: number): Promise<MessageRow[]>;
  /**
   * The bytes behind a URL the caller gave, through the SSRF guard and the size cap; throws an
   * RpcError with a stable code. Baileys gets these bytes: given a URL, it would fetch it unguarded.
   */
  fetchMedia(url: string): Promise<Buffer>;
}

type Params = Record<string, unknown>;

const text = (p: Params, ...keys: string[]): string => {
  for (const key of keys) if (typeof p[key] === 'string' && p[key] !== '') return p[key] as string;
  throw new RpcError('validation_failed', `${keys[0]} is required`);
};
const texts = (p: Params, key: string): string[] => {
  const v = p[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new RpcError('validation_failed', `${key} must be a list of strings`);
  return v as string[];
};
const groupJid = (p: Params) => {
  const id = text(p, 'groupId', 'group_id');
  return id.includes('@') ? id : `${id}@g.us`;
};
const jid = (p: Params, ...keys: string[]) => toJid(text(p, ...(keys.length ? keys : ['jid'])));
const digits = (n: string) => n.replace(/\D/g, '');

/** The API's presence names → Baileys' (`clear` stops typing). */
const presences: Record<string, WAPresence> = {
  available: 'available',
  unavailable: 'unavailable',
  composing: 'composing',
  recording: 'recording',
  clear: 'paused',
};

async function privacyUpdate(sock: WASocket, p: Params): Promise<unknown> {
  const value = text(p, 'value') as never;
  const setters: Record<string, (v: never) => Promise<void>> = {
    last_seen: sock.updateLastSeenPrivacy,
    online: sock.updateOnlinePrivacy,
    profile_picture: sock.updateProfilePicturePrivacy,
    status: sock.updateStatusPrivacy,
    read_receipts: sock.updateReadReceiptsPrivacy,
    groups_add: sock.updateGroupsAddPrivacy,
  };
  const setter = setters[text(p, 'setting')];
  if (!setter) throw new RpcError('validation_failed', 'unknown privacy setting');
  await setter(value);
  return { setting: p['setting'], value };
}

/** Chats, as far as this instance has stored messages of them (Baileys keeps no chat store). */
async function chats(
  call: RpcCall,
): Promise<Array<{ jid: string; last_message_at: string; push_name: string | null }>> {
  const byChat = new Map<string, { jid: string; last_message_at: string; push_name: string | null }>();
  for (const m of await call.recent(undefined, 2_000)) {
    if (byChat.has(m.remote_jid)) continue;
    const pushName = typeof m.content['push_name'] === 'string' ? (m.content['push_name'] as string) : null;
    byChat.set(m.remote_jid, { jid: m.remote_jid, last_message_at: m.created_at.toISOString(), push_name: pushName });
  }
  return [...byChat.values()];
}

/** The last message of a chat, which WhatsApp needs to archive it. */
async function lastMessages(call: RpcCall, chat: string) {
  const [last] = await call.recent(chat, 1);
  if (!last?.wa_message_id) throw new RpcError('chat_not_found', 'no stored message in this chat');
  return [
    {
      key: { remoteJid: chat, id: last.wa_message_id, fromMe: last.direction === 'outbound' },
      messageTimestamp: Math.floor(last.created_at.getTime() / 1000),
    },
  ];
}

/**
 * The request/reply calls the API makes to the owning session-worker (contracts/control.ts).
 * Typed by the contract's method list: a method without a handler does not compile.
 */
export const rpcMethods: Record<RpcMethod, (call: RpcCall) => Promise<unknown>> = {
  'group.create': ({ sock, params }) =>
    sock.groupCreate(text(params, 'subject'), texts(params, 'participants').map(toJid)),
  'group.list': async ({ sock }) => Object.values(await sock.groupFetchAllParticipating()),
  'group.get': ({ sock, params }) => sock.groupMetadata(groupJid(params)),
  'group.participants': ({ sock, params }) => {
    const action = text(params, 'action');
    if (!['add', 'remove', 'promote', 'demote'].includes(action))
      throw new RpcError('validation_failed', 'unknown action');
    return sock.groupParticipantsUpdate(groupJid(params), texts(params, 'participants').map(toJid), action as 'add');
  },
  'group.join': async ({ sock, params }) => ({
    group_id: await sock.groupAcceptInvite(text(params, 'invite_code', 'code').replace(/^.*\//, '')),
  }),
  'group.leave': async ({ sock, params }) => {
    await sock.groupLeave(groupJid(params));
    return { left: true };
  },
  'group.invite': async ({ sock, params }) => {
    const code = await sock.groupInviteCode(groupJid(params));
    return { code, link: code ? `https://chat.whatsapp.com/${code}` : null };
  },
  'contact.check': async ({ sock, params }) => {
    const numbers = texts(params, 'numbers');
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
    const target = jid(params);
    const [status] = (await sock.fetchStatus(target).catch(() => undefined)) ?? [];
    return { jid: target, status: (status as { status?: unknown } | undefined)?.status ?? null };
  },
  'contact.picture': async ({ sock, params }) => ({
    url: (await sock.profilePictureUrl(jid(params), 'image').catch(() => undefined)) ?? null,
  }),
  'contact.block': async ({ sock, params }) => {
    await sock.updateBlockStatus(jid(params), 'block');
    return { blocked: true };
  },
  'contact.unblock': async ({ sock, params }) => {
    await sock.updateBlockStatus(jid(params), 'unblock');
    return { blocked: false };
  },
  'presence.set': async ({ sock, params }) => {
    const presence = presences[text(params, 'state', 'presence')];
    if (!presence) throw new RpcError('validation_failed', 'unknown presence');
    const to = typeof params['to'] === 'string' ? toJid(params['to']) : undefined;
    await sock.sendPresenceUpdate(presence, to);
    return { presence: params['state'] ?? presence };
  },
  'presence.subscribe': async ({ sock, params }) => {
    await sock.presenceSubscribe(jid(params));
    return { subscribed: true };
  },
  'profile.get': async ({ sock }) => ({
    jid: sock.user?.id ?? null,
    lid: sock.user?.lid ?? null,
    name: sock.user?.name ?? null,
  }),
  'profile.update': async ({ sock, params, fetchMedia }) => {
    // Fetched first: a picture that cannot be had fails the call before anything else changed.
    const picture = typeof params['picture_url'] === 'string' ? await fetchMedia(params['picture_url']) : undefined;
    if (typeof params['name'] === 'string') await sock.updateProfileName(params['name']);
    if (typeof params['status'] === 'string') await sock.updateProfileStatus(params['status']);
    if (picture && sock.user?.id) await sock.updateProfilePicture(sock.user.id, picture);
    return { updated: true };
  },
  'privacy.get': ({ sock }) => sock.fetchPrivacySettings(true),
  'privacy.update': ({ sock, params }) => privacyUpdate(sock, params),
  'chat.list': (call) => chats(call),
  'chat.read': async ({ sock, params }) => {
    const chat = jid(params);
    const ids = Array.isArray(params['message_ids']) ? texts(params, 'message_ids') : [];
    await sock.readMessages(ids.map((id) => ({ remoteJid: chat, id, fromMe: false })));
    return { read: ids.length };
  },
  'chat.archive': async (call) => {
    const chat = jid(call.params);
    const archive = call.params['archive'] !== false;
    await call.sock.chatModify({ archive, lastMessages: await lastMessages(call, chat) }, chat);
    return { archived: archive };
  },
  'chat.pin': async ({ sock, params }) => {
    const pin = params['pin'] !== false;
    await sock.chatModify({ pin }, jid(params));
    return { pinned: pin };
  },
  'chat.mute': async ({ sock, params }) => {
    const seconds = typeof params['seconds'] === 'number' ? params['seconds'] : 0;
    await sock.chatModify({ mute: seconds > 0 ? Date.now() + seconds * 1000 : null }, jid(params));
    return { muted_until: seconds > 0 ? new Date(Date.now() + seconds * 1000).toISOString() : null };
  },
};
