import { randomUUID } from 'node:crypto';
import { channels, leaseKeys } from '@turbozap/shared/contracts/kv';
import {
  type RpcMethod,
  type RpcParams,
  type RpcReply,
  type RpcRequest,
  type RpcResult,
  rpcReply,
} from '@turbozap/shared/contracts/rpc';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { AppError } from '@turbozap/shared/errors/app-error';

/** What an owner answers about the caller's own request is a 4xx, not a gateway failure. */
const callerErrors: Record<string, number> = {
  instance_not_connected: 409,
  not_found: 404,
  validation_failed: 400,
  invalid_target: 400,
  media_unreachable: 422,
  media_too_large: 422,
};

/**
 * Request/reply to the session-worker that owns an instance. The request carries a
 * deadline, so an owner that receives it late never executes it.
 */
export class RpcClient {
  #coordination: Coordination;
  #timeoutMs: number;

  constructor(coordination: Coordination, timeoutMs: number) {
    this.#coordination = coordination;
    this.#timeoutMs = timeoutMs;
  }

  async call<M extends RpcMethod>(instanceId: string, method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    const owner = await this.#coordination.leaseHolder(leaseKeys.instance(instanceId));
    if (!owner)
      throw new AppError('instance_not_connected', 'no session-worker holds this instance; connect it first', 409);
    const requestId = randomUUID();
    let settle: (value: unknown) => void = () => {};
    const reply = new Promise<unknown>((resolve) => {
      settle = resolve;
    });
    const unsubscribe = await this.#coordination.subscribe(channels.rpcReply(requestId), (message) => {
      try {
        settle(rpcReply.parse(JSON.parse(message)));
      } catch {
        // A malformed reply is ignored; the timeout answers.
      }
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = Date.now() + this.#timeoutMs;
      const request: RpcRequest = { requestId, method, params, deadline };
      await this.#coordination.publish(channels.rpc(instanceId), JSON.stringify(request));
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), this.#timeoutMs);
      });
      const answer = (await Promise.race([reply, timeout])) as RpcReply | null;
      if (!answer) throw new AppError('instance_timeout', 'the instance did not answer in time', 504);
      if (!answer.ok) {
        const code = answer.error?.code ?? 'instance_error';
        const status = callerErrors[code] ?? 502;
        throw new AppError(code, answer.error?.message ?? 'the instance could not complete the request', status);
      }
      // The owner's handlers are typed by the same map (contracts/rpc.ts).
      return (answer.result ?? null) as RpcResult<M>;
    } finally {
      clearTimeout(timer);
      await unsubscribe();
    }
  }
}
