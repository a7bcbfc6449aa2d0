import { Agent } from 'undici';
import { guardedLookup, type TargetPolicy } from './guard.ts';

export interface SafeAgentOptions extends TargetPolicy {
  /** Connections kept per origin (keep-alive pool). */
  connectionsPerOrigin?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

/**
 * An undici Agent (keep-alive pools per origin) whose every new connection re-resolves the
 * host and refuses private addresses unless allowed. Use it with checkOutboundUrl, which
 * covers IP-literal hosts (Node skips `lookup` for those).
 */
export function createSafeAgent(options: SafeAgentOptions): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 16,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000, lookup: guardedLookup(options) },
  });
}
