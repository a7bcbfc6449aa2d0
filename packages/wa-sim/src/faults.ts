// Fault injection: one-shot actions on live connections (drop, restart-required) and
// standing rules for server acks of client messages (delay-acks, refuse-acks).
import type { AccountRegistry } from './accounts/registry.ts';
import { badRequest, notFound } from './errors.ts';
import type { Connection } from './transport/connection.ts';

export const FAULT_TYPES = ['drop', 'restart-required', 'delay-acks', 'refuse-acks'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultRequest {
  type: FaultType;
  /** Device JID (one device), user JID or phone (all its devices); absent = everyone. */
  jid?: string;
  /** delay-acks: delay in ms (default 1000). */
  ms?: number;
  /** refuse-acks: error code in the negative ack (default 500). */
  code?: number;
  /** delay-acks / refuse-acks: how many acks the rule applies to (default: until cleared). */
  count?: number;
}

interface Scope {
  phone?: string;
  device?: number;
}

interface AckRule {
  kind: 'delay' | 'refuse';
  ms: number;
  code: number;
  remaining: number;
  scope: Scope;
}

export type AckPolicy = { delayMs: number; refuseCode?: undefined } | { refuseCode: number; delayMs?: undefined };

const matches = (scope: Scope, conn: Connection): boolean =>
  !scope.phone ||
  (conn.account?.phone === scope.phone && (scope.device === undefined || conn.deviceId === scope.device));

export class Faults {
  private rules: AckRule[] = [];
  private readonly accounts: AccountRegistry;
  private readonly connections: () => Connection[];

  constructor(accounts: AccountRegistry, connections: () => Connection[]) {
    this.accounts = accounts;
    this.connections = connections;
  }

  /** Applies a fault; returns how many live connections it hit (one-shot) or 0 for standing rules. */
  apply(req: FaultRequest): { affected: number } {
    if (!FAULT_TYPES.includes(req.type))
      throw badRequest('invalid_fault', `type must be one of ${FAULT_TYPES.join(', ')}`);
    const scope = this.scope(req.jid);
    if (req.type === 'delay-acks' || req.type === 'refuse-acks') {
      const ms = req.ms ?? 1000;
      const code = req.code ?? 500;
      if (!Number.isFinite(ms) || ms < 0) throw badRequest('invalid_fault', 'ms must be a non-negative number');
      const remaining = req.count ?? Number.POSITIVE_INFINITY;
      this.rules.push({ kind: req.type === 'delay-acks' ? 'delay' : 'refuse', ms, code, remaining, scope });
      return { affected: 0 };
    }
    const targets = this.connections().filter((c) => c.isOpen && (scope.phone ? matches(scope, c) : true));
    for (const conn of targets) {
      if (req.type === 'drop') conn.terminate();
      else conn.streamError({ code: '515' });
    }
    return { affected: targets.length };
  }

  clear(): void {
    this.rules = [];
  }

  /** What to do with the server ack of a message from `conn` (consumes one use of the matching rule). */
  ackPolicy(conn: Connection): AckPolicy | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.scope, conn));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.kind === 'refuse' ? { refuseCode: rule.code } : { delayMs: rule.ms };
  }

  private scope(jid: string | undefined): Scope {
    if (jid === undefined || jid === '') return {};
    const target = this.accounts.resolveTarget(jid);
    if (!target) throw notFound('unknown_jid', `no simulated account or device for ${jid}`);
    return { phone: target.account.phone, device: target.explicitDevice ? target.device : undefined };
  }
}
