import { z } from 'zod';

/**
 * Control messages between replicas (coordination pub/sub). They are nudges only: the
 * desired state in Postgres is the truth, and workers reconcile towards it on a timer too,
 * so a lost nudge delays a command, never loses it.
 */
export const controlChannel = 'control';
export const controlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reconcile'), instanceId: z.string() }),
  z.object({ type: z.literal('outbox'), instanceId: z.string() }),
  /** Close and reconnect (PUT /instance/:name/restart). */
  z.object({ type: z.literal('restart'), instanceId: z.string() }),
]);
export type ControlMessage = z.infer<typeof controlMessage>;

/**
 * "This instance's webhook changed" (set, enabled, disabled, deleted): sender-workers drop what
 * they cached of it, so even "no webhook" can be cached between events — the message is the
 * instance id. A lost one makes a change apply within the cache's TTL (1 s) instead of at once.
 */
export const webhooksChannel = 'webhooks';

/** Methods a session-worker answers over request/reply; params are the API's validated body/query. */
export const rpcMethods = [
  'group.create',
  'group.list',
  'group.get',
  'group.participants',
  'group.join',
  'group.leave',
  'group.invite',
  'contact.check',
  'contact.list',
  'contact.get',
  'contact.picture',
  'contact.block',
  'contact.unblock',
  'presence.set',
  'presence.subscribe',
  'profile.get',
  'profile.update',
  'privacy.get',
  'privacy.update',
  'chat.list',
  'chat.read',
  'chat.archive',
  'chat.pin',
  'chat.mute',
] as const;
export type RpcMethod = (typeof rpcMethods)[number];

/** Request/reply to the session-worker that owns an instance (groups, contacts, presence). */
export const rpcChannel = (instanceId: string) => `rpc:${instanceId}`;
export const rpcReplyChannel = (requestId: string) => `rpc-reply:${requestId}`;
export const rpcRequest = z.object({
  requestId: z.string(),
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
