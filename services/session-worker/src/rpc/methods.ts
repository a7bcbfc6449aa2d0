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

type Params = Record<string, unknown>;
type Method = (sock: WASocket, params: Params) => Promise<unknown>;

const text = (p: Params, key: string): string => {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw new RpcError('validation_failed', `${key} is required`);
  return v;
};
const texts = (p: Params, key: string): string[] => {
  const v = p[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new RpcError('validation_failed', `${key} must be a list of strings`);
  return v as string[];
};
const groupJid = (p: Params) => {
  const id = text(p, 'group_id');
  return id.includes('@') ? id : `${id}@g.us`;
};

const presences: readonly WAPresence[] = ['available', 'unavailable', 'composing', 'recording', 'paused'];

/**
 * The request/reply calls the API makes to the owning session-worker (groups, contacts,
 * presence, profile, chats). Names are `<area>.<action>`; params are the API's snake_case.
 */
export const rpcMethods: Record<string, Method> = {
  'group.create': (sock, p) => sock.groupCreate(text(p, 'subject'), texts(p, 'participants').map(toJid)),
  'group.list': async (sock) => Object.values(await sock.groupFetchAllParticipating()),
  'group.get': (sock, p) => sock.groupMetadata(groupJid(p)),
  'group.participants': (sock, p) => {
    const action = text(p, 'action');
    if (!['add', 'remove', 'promote', 'demote'].includes(action))
      throw new RpcError('validation_failed', 'unknown action');
    return sock.groupParticipantsUpdate(groupJid(p), texts(p, 'participants').map(toJid), action as 'add');
  },
  'group.join': async (sock, p) => ({ group_id: await sock.groupAcceptInvite(text(p, 'code').replace(/^.*\//, '')) }),
  'group.leave': async (sock, p) => {
    await sock.groupLeave(groupJid(p));
    return { left: true };
  },
  'group.invite': async (sock, p) => {
    const code = await sock.groupInviteCode(groupJid(p));
    return { code, link: code ? `https://chat.whatsapp.com/${code}` : null };
  },
  'contact.check': async (sock, p) => {
    const numbers = texts(p, 'numbers');
    const found = (await sock.onWhatsApp(...numbers.map((n) => n.replace(/\D/g, '')))) ?? [];
    return numbers.map((n) => {
      const hit = found.find((f) => f.jid.startsWith(`${n.replace(/\D/g, '')}@`));
      return {
        number: n,
        exists: Boolean(hit?.exists),
        jid: hit?.jid ?? null,
        lid: (hit as { lid?: string } | undefined)?.lid ?? null,
      };
    });
  },
  'contact.get': async (sock, p) => {
    const jid = toJid(text(p, 'jid'));
    const [status] = (await sock.fetchStatus(jid).catch(() => undefined)) ?? [];
    return { jid, status: (status as { status?: unknown } | undefined)?.status ?? null };
  },
  'contact.picture': async (sock, p) => ({
    url: (await sock.profilePictureUrl(toJid(text(p, 'jid')), 'image').catch(() => undefined)) ?? null,
  }),
  'contact.block': async (sock, p) => {
    await sock.updateBlockStatus(toJid(text(p, 'jid')), 'block');
    return { blocked: true };
  },
  'contact.unblock': async (sock, p) => {
    await sock.updateBlockStatus(toJid(text(p, 'jid')), 'unblock');
    return { blocked: false };
  },
  'presence.update': async (sock, p) => {
    const presence = text(p, 'presence') as WAPresence;
    if (!presences.includes(presence)) throw new RpcError('validation_failed', 'unknown presence');
    await sock.sendPresenceUpdate(presence, typeof p['jid'] === 'string' ? toJid(p['jid']) : undefined);
    return { presence };
  },
  'presence.subscribe': async (sock, p) => {
    await sock.presenceSubscribe(toJid(text(p, 'jid')));
    return { subscribed: true };
  },
  'profile.get': async (sock) => ({
    jid: sock.user?.id ?? null,
    lid: sock.user?.lid ?? null,
    name: sock.user?.name ?? null,
  }),
  'profile.update': async (sock, p) => {
    if (typeof p['name'] === 'string') await sock.updateProfileName(p['name']);
    if (typeof p['status'] === 'string') await sock.updateProfileStatus(p['status']);
    return { updated: true };
  },
  'privacy.get': (sock) => sock.fetchPrivacySettings(true),
  'chat.read': async (sock, p) => {
    const jid = toJid(text(p, 'jid'));
    const ids = Array.isArray(p['message_ids']) ? texts(p, 'message_ids') : [];
    await sock.readMessages(ids.map((id) => ({ remoteJid: jid, id, fromMe: false })));
    return { read: ids.length };
  },
};
