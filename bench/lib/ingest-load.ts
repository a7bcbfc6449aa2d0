// What bench/ingest.ts measures and how it loads the API: the request body, autocannon runs, and
// the figures of one run.
import { type AutocannonResult, loadAutocannon } from './deps.ts';

export type VariantId = 'floor-a' | 'floor-b' | 'turbozap' | 'turbozap-rl';

/** A 202-byte text message, the same for every variant. */
export const body = (() => {
  const base = { to: '5511999998888', text: '' };
  const text = 'Olá! Your order #48213 has shipped and should arrive on Thursday. Track it in the app. ';
  base.text = text.repeat(3).slice(0, 200 - JSON.stringify(base).length);
  return JSON.stringify(base);
})();

export interface Measured {
  variant: VariantId;
  round: number;
  reqPerSec: number;
  ok: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  statusCodes: Record<string, number>;
  serverCpuMsPerReq: number;
  postgresCpuMsPerReq: number;
  rabbitCpuMsPerReq: number;
  hostBusy: number;
  /** Postgres transactions (statements outside a transaction count one each) per accepted request. */
  pgTransactionsPerReq: number;
  durable?: { accepted: number; rows: number; queued: number; consistent: boolean };
  half?: HalfRate;
  raw: Pick<AutocannonResult, 'latency' | 'requests' | 'errors' | 'timeouts' | 'non2xx' | 'duration'>;
}

export interface HalfRate {
  targetRate: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  serverCpuMsPerReq: number;
}

const autocannon = loadAutocannon();

/** POSTs `body` to `url` with `connections` connections for `seconds` (at most `maxRequests`), or at `overallRate`. */
export function loader(connections: number, maxRequests: number) {
  return (url: string, key: string, seconds: number, overallRate?: number): Promise<AutocannonResult> =>
    autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
      connections,
      duration: seconds,
      maxOverallRequests: maxRequests,
      timeout: 10,
      ...(overallRate ? { overallRate } : {}),
    });
}

export const errorsOf = (r: AutocannonResult) => r.errors + r.timeouts + r.non2xx;
const statusCodes = (r: AutocannonResult) =>
  Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));

/** The run of the median throughput. */
export function median(runs: Measured[]): Measured | undefined {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** One measured run's figures: autocannon's result, and the CPU seconds read around it. */
export function measuredRun(
  variant: VariantId,
  round: number,
  r: AutocannonResult,
  cpu: { server: number; postgres: number; rabbit: number; hostBusy: number },
  pgTransactionsPerReq: number,
): Measured {
  const ok = r['2xx'];
  return {
    variant,
    round,
    reqPerSec: ok / r.duration,
    ok,
    p50: r.latency.p50,
    p99: r.latency.p99,
    p999: r.latency.p99_9,
    errors: errorsOf(r),
    statusCodes: statusCodes(r),
    serverCpuMsPerReq: (cpu.server * 1000) / Math.max(1, ok),
    postgresCpuMsPerReq: (cpu.postgres * 1000) / Math.max(1, ok),
    rabbitCpuMsPerReq: (cpu.rabbit * 1000) / Math.max(1, ok),
    hostBusy: cpu.hostBusy,
    pgTransactionsPerReq,
    raw: {
      latency: r.latency,
      requests: r.requests,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      duration: r.duration,
    },
  };
}
