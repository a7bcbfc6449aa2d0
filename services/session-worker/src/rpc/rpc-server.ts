import type { Config } from '@turbozap/shared/config/config';
import { channels } from '@turbozap/shared/contracts/kv';
import { isRpcMethod, type RpcReply, type RpcRequest, rpcRequest } from '@turbozap/shared/contracts/rpc';
import type { Coordination, Unsubscribe } from '@turbozap/shared/coordination/port';
import { inboundReadsRepo } from '@turbozap/shared/db/repositories/inbound-reads';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { fetchMediaUrl, MediaFetchError } from '@turbozap/shared/net';
import { withTimeout } from '@turbozap/shared/util/timeout';
import type { WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { Lru } from '../util/lru.ts';
import { RpcError, runRpc } from './methods.ts';

/** A URL's bytes by the caller's deadline, or an RpcError whose code and text say nothing the target answered. */
async function fetchForCaller(media: Config['media'], url: string, deadline: number): Promise<Buffer> {
  try {
    const { allowPrivateTargets: allowPrivate, maxBytes } = media;
    return (await fetchMediaUrl(url, { allowPrivate, maxBytes, timeoutMs: Math.max(1, deadline - Date.now()) })).bytes;
  } catch (error) {
    if (error instanceof MediaFetchError) throw new RpcError(error.reason, error.message);
    throw error;
  }
}

/**
 * Serves `rpc:<instanceId>` while this worker owns the instance. A request past its deadline
 * is never executed (the caller gave up); a repeated request id gets the first reply again,
 * so mutating calls are idempotent.
 */
export async function serveRpc(
  ports: { coordination: Coordination; media: Config['media'] },
  scope: InstanceScope,
  socket: () => WASocket | undefined,
): Promise<Unsubscribe> {
  const replies = new Lru<string, Promise<RpcReply>>(256);
  const reply = (r: RpcReply) => ports.coordination.publish(channels.rpcReply(r.requestId), JSON.stringify(r));

  async function execute(
    requestId: string,
    method: string,
    params: Record<string, unknown>,
    deadline: number,
  ): Promise<RpcReply> {
    try {
      if (!isRpcMethod(method)) throw new RpcError('unknown_method', `unknown method ${method}`);
      const sock = socket();
      if (!sock) throw new RpcError('instance_not_connected', 'the instance is not connected');
      const recent = (remoteJid?: string, limit = 100) =>
        messagesRepo.list(scope.db, { instanceId: scope.instance.id, remoteJid, limit });
      const fetchMedia = (url: string) => fetchForCaller(ports.media, url, deadline);
      const instanceId = scope.instance.id;
      const unread = (remoteJid: string, ids: string[] | undefined, limit: number) =>
        inboundReadsRepo.unread(scope.db, { instanceId, remoteJid, ids, limit });
      const markRead = (ids: string[]) => inboundReadsRepo.markRead(scope.db, instanceId, ids);
      const result = await withTimeout(
        runRpc(method, params, { sock, recent, fetchMedia, unread, markRead }),
        Math.max(1, deadline - Date.now()),
        method,
      );
      return { requestId, ok: true, result };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : 'whatsapp_error';
      if (!(error instanceof RpcError)) scope.log.warn('rpc call failed', { method, error });
      return { requestId, ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  return ports.coordination.subscribe(channels.rpc(scope.instance.id), (raw) => {
    let request: RpcRequest;
    try {
      request = rpcRequest.parse(JSON.parse(raw));
    } catch {
      scope.log.warn('malformed rpc request dropped');
      return;
    }
    if (Date.now() > request.deadline) return;
    let pending = replies.get(request.requestId);
    if (!pending) {
      pending = execute(request.requestId, request.method, request.params, request.deadline);
      replies.set(request.requestId, pending);
    }
    pending.then(reply).catch((error) => scope.log.warn('rpc reply failed', { error }));
  });
}
