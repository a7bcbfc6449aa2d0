// Fault injection: one-shot actions on live connections (drop, restart-required), standing rules
// for server acks of client messages (delay-acks, refuse-acks) and for the client's own
// acknowledgements (lose-client-acks).
import type { AccountRegistry } from './accounts/registry.ts';
import { badRequest, notFound } from './errors.ts';
import type { Connection } from './transport/connection.ts';

export const FAULT_TYPES = ['drop', 'restart-required', 'delay-acks', 'refuse-acks', 'lose-client-acks'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultRequest {
  type: FaultType;
  /** Device JID (one device), user JID or phone (all its devices); absent = everyone. */
  jid?: string;
  /** delay-acks: delay in ms (default 1000). */
  ms?: number;
  /** refuse-acks: error code in the negative ack (default 500). */
  code?: number;
  /** Standing rules: how many stanzas the rule applies to (default: until cleared). */
  count?: number;
}

interface Scope {
  phone?: string;
  device?: number;
}

interface Rule {
  kind: 'delay' | 'refuse' | 'lose';
  ms: number;
  code: number;
  remaining: number;
  scope: Scope;
}

export type AckPolicy = { delayMs: number; refuseCode?: undefined } | { refuseCode: number; delayMs?: undefined };

const RULE_KINDS: Partial<Record<FaultType, Rule['kind']>> = {
  'delay-acks': 'delay',
  'refuse-acks': 'refuse',
  'lose-client-acks': 'lose',
};

const matches = (scope: Scope, conn: Connection): boolean =>
  !scope.phone ||
  (conn.account?.phone === scope.phone && (scope.device === undefined || conn.deviceId === scope.device));

export class Faults {
  #rules: Rule[] = [];
  readonly #accounts: AccountRegistry;
  readonly #connections: () => Connection[];

  constructor(accounts: AccountRegistry, connections: () => Connection[]) {
    this.#accounts = accounts;
    this.#connections = connections;
  }

  /** Applies a fault; returns how many live connections it hit (one-shot) or 0 for standing rules. */
  apply(req: FaultRequest): { affected: number } {
    if (!FAULT_TYPES.includes(req.type))
      throw badRequest('invalid_fault', `type must be one of ${FAULT_TYPES.join(', ')}`);
    const scope = this.#scope(req.jid);
    const kind = RULE_KINDS[req.type];
    if (kind) {
      const ms = req.ms ?? 1000;
      const code = req.code ?? 500;
      if (!Number.isFinite(ms) || ms < 0) throw badRequest('invalid_fault', 'ms must be a non-negative number');
      const remaining = req.count ?? Number.POSITIVE_INFINITY;
      this.#rules.push({ kind, ms, code, remaining, scope });
      return { affected: 0 };
    }
    const targets = this.#connections().filter((c) => c.isOpen && (scope.phone ? matches(scope, c) : true));
    for (const conn of targets) {
      if (req.type === 'drop') conn.terminate();
      else conn.streamError({ code: '515' });
    }
    return { affected: targets.length };
  }

  clear(): void {
    this.#rules = [];
  }

  /** What to do with the server ack of a message from `conn` (consumes one use of the matching rule). */
  ackPolicy(conn: Connection): AckPolicy | undefined {
    const rule = this.#take(conn, (kind) => kind !== 'lose');
    if (!rule) return undefined;
    return rule.kind === 'refuse' ? { refuseCode: rule.code } : { delayMs: rule.ms };
  }

  /**
   * Whether an `<ack>` or `<receipt>` from `conn` is lost before the server reads it, as when the
   * client dies before acknowledging: what it was sent stays pending (consumes one use).
   */
  losesClientAck(conn: Connection): boolean {
    return this.#take(conn, (kind) => kind === 'lose') !== undefined;
  }

  #take(conn: Connection, wanted: (kind: Rule['kind']) => boolean): Rule | undefined {
    const rule = this.#rules.find((r) => r.remaining > 0 && wanted(r.kind) && matches(r.scope, conn));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return rule;
  }

  #scope(jid: string | undefined): Scope {
    if (jid === undefined || jid === '') return {};
    const target = this.#accounts.resolveTarget(jid);
    if (!target) throw notFound('unknown_jid', `no simulated account or device for ${jid}`);
    return { phone: target.account.phone, device: target.explicitDevice ? target.device : undefined };
  }
}
