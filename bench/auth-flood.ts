// The authentication-flood benchmark: what 50,000 requests with random API keys cost TurboZap's
// API, beside /health measured on the same server with no flood. Run:
//   bash scripts/with-tools.sh node bench/auth-flood.ts [--help]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IpcPeer, runBenchmark, startChild } from './lib/children.ts';
import { loadAutocannon, loadPg, repoRoot } from './lib/deps.ts';
import { memory } from './lib/proc.ts';
import { cli, fmt, log, markdownTable, num, type Row, writeResults } from './lib/report.ts';
import { pgTransactions, provisionServices, serviceDefaults } from './lib/services.ts';
import { migrate, roleEnv, startRole } from './lib/turbozap.ts';

const usage = `
bench/auth-flood.ts — GET /instance/list with a random API key on every request, against
\`./turbozap api\` (a child process), three ways:
  malformed     keys of no shape TurboZap issues, from one address
  well-formed   tzk_ + 32 random base64url characters (the shape of real keys), from one address
  spread        well-formed keys, each request from another address (X-Forwarded-For, trusted
                from loopback as from a load balancer): no per-address limit applies
The floor, measured first on the same server: /health latency with no flood. During each flood a
prober (a child process of its own) asks /health every 20 ms. Reports Postgres transactions per 1,000 requests, the answers,
the API's RSS, and /health p50/p99 beside the floor's.

Needs PostgreSQL, RabbitMQ and Redis on loopback; creates its own database and vhost, removed at
the end. Writes bench/results/auth-flood-<time>.json.

Usage: bash scripts/with-tools.sh node bench/auth-flood.ts [options]
  --requests N      requests per flood (default 50000)
  --connections N   autocannon connections (default 50)
  --floods LIST     which floods, in this order (default malformed,well-formed,spread)
  -h, --help
Goal (reported, not asserted): malformed and well-formed floods cost ≤ 1 Postgres transaction per
1,000 requests (flat); /health p99 < 50 ms during every flood; no 5xx.
`;

const flags = cli(usage, { requests: { type: 'string' }, connections: { type: 'string' }, floods: { type: 'string' } });
const requests = num(flags.requests, 50_000, 'requests');
const connections = num(flags.connections, 50, 'connections');

type Flood = 'malformed' | 'well-formed' | 'spread';
const wellFormed = () => `tzk_${randomBytes(24).toString('base64url')}`;
const keyOf: Record<Flood, () => string> = {
  malformed: () => randomBytes(12).toString('hex'),
  'well-formed': wellFormed,
  spread: wellFormed,
};
const floods = (flags.floods ?? 'malformed,well-formed,spread').split(',') as Flood[];
for (const flood of floods) if (!(flood in keyOf)) throw new Error(`no flood ${flood} (--help)`);
const randomAddress = () => `10.${randomBytes(3).join('.')}`;

/**
 * /health every 20 ms until stopped: latencies in ms. From a child process of its own
 * (bench/lib/health-prober.ts): autocannon saturates this one's event loop, which would add its
 * own queueing to every probe.
 */
async function probe(url: string): Promise<{ stop(): Promise<number[]> }> {
  const child = startChild('health-prober', process.execPath, [join(repoRoot, 'bench/lib/health-prober.ts')], {
    env: { HEALTH_URL: url, EVERY_MS: '20' },
    ipc: true,
  });
  const peer = new IpcPeer(child);
  await peer.ready;
  return {
    async stop() {
      const { latencies } = await peer.call<{ latencies: number[] }>('stop');
      await child.stop('SIGTERM', 3_000);
      return latencies;
    },
  };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

async function main(): Promise<void> {
  const services = await provisionServices('authflood', serviceDefaults);
  await migrate(services);
  const api = await startRole('api', 'api', roleEnv(services, { REDIS_RATE_LIMIT_RPM: '0' }));
  const pg = loadPg();
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  const autocannon = loadAutocannon();

  log('floor: /health with no flood, 10 s');
  const quiet = await probe(api.url);
  await sleep(10_000);
  const floor = await quiet.stop();
  const floorP99 = quantile(floor, 0.99);
  const rows: Row[] = [
    {
      run: 'floor: no flood',
      requests: 0,
      'req/s': '',
      answers: '',
      'pg xact / 1k req': '',
      'api RSS MB': fmt.mb(memory(api.child.pid).rss),
      'health p50 ms': fmt.dec(quantile(floor, 0.5)),
      'health p99 ms': fmt.dec(floorP99),
      'p99 / floor': fmt.ratio(1),
    },
  ];
  const results: Record<string, unknown>[] = [];
  for (const flood of floods) {
    log(`${flood}: ${requests} requests, ${connections} connections`);
    // Postgres flushes its statistics at most once a second: let the previous run's land first.
    await sleep(1_500);
    const xacts0 = await pgTransactions(pool, services.database);
    const prober = await probe(api.url);
    const r = await autocannon({
      url: `${api.url}/instance/list`,
      connections,
      maxOverallRequests: requests,
      duration: 3_600, // ends at `requests`
      timeout: 10,
      requests: [
        {
          setupRequest: (req) => {
            req.headers = { ...req.headers, 'x-api-key': keyOf[flood]() };
            if (flood === 'spread') req.headers['x-forwarded-for'] = randomAddress();
            return req;
          },
        },
      ],
    });
    const health = await prober.stop();
    await sleep(1_500);
    const xacts = (await pgTransactions(pool, services.database)) - xacts0;
    const sent = r.requests.sent;
    const answers = Object.entries(r.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ');
    const p99 = quantile(health, 0.99);
    const row: Row = {
      run: flood,
      requests: sent,
      'req/s': Math.round(r.requests.average),
      answers,
      'pg xact / 1k req': ((xacts / Math.max(1, sent)) * 1000).toFixed(1),
      'api RSS MB': fmt.mb(memory(api.child.pid).rss),
      'health p50 ms': fmt.dec(quantile(health, 0.5)),
      'health p99 ms': fmt.dec(p99),
      'p99 / floor': fmt.ratio(p99 / floorP99),
    };
    rows.push(row);
    results.push({ ...row, xacts, errors: r.errors, timeouts: r.timeouts, healthSamples: health.length });
  }
  await pool.end();
  process.stdout.write(`\n${markdownTable(rows)}\n`);
  log(`results: ${writeResults('auth-flood', { requests, connections, floorP99, results })}`);
}

runBenchmark(main);
