import { recipient } from '@turbozap/shared/contracts/message-content';
import {
  parseRpcParams,
  presenceStates,
  privacySettings,
  privacyValues,
  type RpcMethod,
  rpcResults,
} from '@turbozap/shared/contracts/rpc';
import { validationFailed } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';
import type { Define } from '../http/route.ts';

const groupJid = z.string().regex(/^[\d-]{6,40}@g\.us$/, 'a group JID (…@g.us)');
const participants = z.array(recipient).min(1).max(256);

interface CallSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  rpc: RpcMethod;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Path parameters forwarded to the worker, validated. */
  params?: Record<string, z.ZodType>;
}

/**
 * Groups, contacts, presence, profile and chats: synchronous calls answered by the
 * session-worker that owns the instance (request/reply with a timeout → 504).
 */
const calls: CallSpec[] = [
  {
    method: 'post',
    path: '/group/:name/create',
    rpc: 'group.create',
    summary: 'Create a group',
    body: z.object({ subject: z.string().min(1).max(100), participants }),
  },
  { method: 'get', path: '/group/:name/list', rpc: 'group.list', summary: 'Groups the instance is in' },
  {
    method: 'post',
    path: '/group/:name/join',
    rpc: 'group.join',
    summary: 'Join by invite code',
    body: z.object({ invite_code: z.string().min(1).max(64) }),
  },
  {
    method: 'get',
    path: '/group/:name/:groupId',
    rpc: 'group.get',
    summary: 'Group metadata',
    params: { groupId: groupJid },
  },
  {
    method: 'post',
    path: '/group/:name/:groupId/participants',
    rpc: 'group.participants',
    summary: 'Add, remove, promote or demote participants',
    params: { groupId: groupJid },
    body: z.object({ action: z.enum(['add', 'remove', 'promote', 'demote']), participants }),
  },
  {
    method: 'post',
    path: '/group/:name/:groupId/leave',
    rpc: 'group.leave',
    summary: 'Leave a group',
    params: { groupId: groupJid },
  },
  {
    method: 'get',
    path: '/group/:name/:groupId/invite',
    rpc: 'group.invite',
    summary: 'Invite code of a group',
    params: { groupId: groupJid },
  },
  {
    method: 'post',
    path: '/contact/:name/check',
    rpc: 'contact.check',
    summary: 'Which numbers are on WhatsApp',
    body: z.object({
      numbers: z
        .array(z.string().regex(/^\+?\d{6,15}$/))
        .min(1)
        .max(100),
    }),
  },
  { method: 'get', path: '/contact/:name/list', rpc: 'contact.list', summary: 'Known contacts' },
  {
    method: 'post',
    path: '/contact/:name/block',
    rpc: 'contact.block',
    summary: 'Block a contact',
    body: z.object({ jid: recipient }),
  },
  {
    method: 'post',
    path: '/contact/:name/unblock',
    rpc: 'contact.unblock',
    summary: 'Unblock a contact',
    body: z.object({ jid: recipient }),
  },
  {
    method: 'get',
    path: '/contact/:name/:jid/picture',
    rpc: 'contact.picture',
    summary: 'Profile picture URL',
    params: { jid: recipient },
  },
  { method: 'get', path: '/contact/:name/:jid', rpc: 'contact.get', summary: 'A contact', params: { jid: recipient } },
  ...presenceStates.map(
    (state): CallSpec => ({
      method: 'post',
      path: `/presence/:name/${state}`,
      rpc: 'presence.set',
      summary: `Set presence ${state}`,
      body: z.object({ to: recipient.optional() }),
    }),
  ),
  {
    method: 'post',
    path: '/presence/:name/subscribe',
    rpc: 'presence.subscribe',
    summary: 'Subscribe to a contact presence',
    body: z.object({ jid: recipient }),
  },
  { method: 'get', path: '/profile/:name', rpc: 'profile.get', summary: 'Own profile' },
  {
    method: 'put',
    path: '/profile/:name',
    rpc: 'profile.update',
    summary: 'Update own name, status or picture',
    body: z.object({
      name: z.string().min(1).max(25).optional(),
      status: z.string().max(139).optional(),
      picture_url: z.url({ protocol: /^https?$/ }).optional(),
    }),
  },
  { method: 'get', path: '/profile/:name/privacy', rpc: 'privacy.get', summary: 'Privacy settings' },
  {
    method: 'put',
    path: '/profile/:name/privacy',
    rpc: 'privacy.update',
    summary: 'Update a privacy setting',
    body: z.object({
      setting: z.enum(privacySettings),
      value: z.enum(privacyValues),
    }),
  },
  { method: 'get', path: '/chat/:name/list', rpc: 'chat.list', summary: 'Chats' },
  {
    method: 'post',
    path: '/chat/:name/read',
    rpc: 'chat.read',
    summary: "Mark a chat's received messages read: every unread one, or those of message_ids (ours or WhatsApp's)",
    body: z.object({ jid: recipient, message_ids: z.array(z.string().max(128)).max(500).optional() }),
  },
  {
    method: 'post',
    path: '/chat/:name/archive',
    rpc: 'chat.archive',
    summary: 'Archive a chat',
    body: z.object({ jid: recipient, archive: z.boolean().default(true) }),
  },
  {
    method: 'post',
    path: '/chat/:name/unarchive',
    rpc: 'chat.archive',
    summary: 'Unarchive a chat',
    body: z.object({ jid: recipient, archive: z.literal(false).default(false) }),
  },
  {
    method: 'post',
    path: '/chat/:name/pin',
    rpc: 'chat.pin',
    summary: 'Pin or unpin a chat',
    body: z.object({ jid: recipient, pin: z.boolean().default(true) }),
  },
  {
    method: 'post',
    path: '/chat/:name/mute',
    rpc: 'chat.mute',
    summary: 'Mute a chat for a time (0 unmutes)',
    body: z.object({ jid: recipient, seconds: z.number().int().min(0).max(31_536_000) }),
  },
  {
    method: 'post',
    path: '/call/:name/reject',
    rpc: 'call.reject',
    summary: 'Reject a ringing call (call_id and from as call.received carries them)',
    body: z.object({ call_id: z.string().min(1).max(128), from: recipient }),
  },
];

export function instanceCallRoutes(define: Define): void {
  for (const call of calls) {
    const paramSchema = z.object(call.params ?? {});
    define({
      method: call.method,
      path: call.path,
      summary: call.summary,
      tag: call.path.split('/')[1] ?? 'instance',
      access: 'instance',
      // Every call here is WhatsApp work, GETs included: they count against the send budget.
      budget: 'send',
      ...(call.body ? { body: call.body } : {}),
      response: rpcResults[call.rpc] as z.ZodType,
      async handler({ body, params, instance, deps }) {
        const parsedParams = paramSchema.safeParse(params);
        if (!parsedParams.success) {
          throw validationFailed(
            parsedParams.error.issues.map((i) => ({ field: `params.${i.path.join('.')}`, message: i.message })),
          );
        }
        const state = call.rpc === 'presence.set' ? { state: call.path.split('/').pop() } : {};
        // The HTTP shape becomes the method's params, parsed against the contract the owner parses too.
        const rpcParams = parseRpcParams(call.rpc, { ...(body as object), ...parsedParams.data, ...state });
        return deps.rpc.call(instance.id, call.rpc, rpcParams);
      },
    });
  }
}
