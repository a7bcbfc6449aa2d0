import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster } from './support/cluster.ts';
import { freePort, repoRoot, waitFor } from './support/processes.ts';

const prometheusBin = '/usr/bin/prometheus';
const hasPrometheus = await import('node:fs').then((fs) => fs.existsSync(prometheusBin));
if (!hasPrometheus && process.env.CI === 'true') throw new Error('prometheus (Debian package) is required in CI');
const d = hasPrometheus ? await describeWith('postgres', 'redis', 'rabbitmq') : describe.skip;

interface Alert {
  labels: { alertname: string; queue?: string };
  state: string;
}

d('a real Prometheus scraping TurboZap with the shipped alert rules', () => {
  const cluster = new Cluster();
  const dir = mkdtempSync(join(tmpdir(), 'tz-prom-'));
  let prometheus: ChildProcess | undefined;
  let promUrl = '';

  beforeAll(async () => {
    await cluster.start();
    // Only the API: nothing drains the send queue, so it holds what the test accepts.
    const api = await cluster.startRole('api', { METRICS_SAMPLE_INTERVAL: '1s' });
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [${JSON.stringify(resolve(repoRoot, 'deploy/prometheus/alerts.yml'))}]
scrape_configs:
  - job_name: turbozap-api
    static_configs: [{ targets: ['127.0.0.1:${api.port}'] }]
`,
    );
    prometheus = spawn(
      prometheusBin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await waitFor('prometheus', () => fetch(`${promUrl}/-/ready`).then((r) => r.ok), 60_000);
  }, 180_000);

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const query = async (q: string) =>
    (
      (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      }
    ).data.result;

  test('the target is up and exports the plan metrics', async () => {
    await waitFor(
      'turbozap scraped',
      async () => (await query('up{job="turbozap-api"}'))[0]?.value[1] === '1',
      60_000,
      500,
    );
    await cluster.api('GET', '/instance/list');
    await waitFor(
      'HTTP latency histogram scraped',
      async () => (await query('turbozap_http_requests_duration_seconds_count')).length > 0,
      30_000,
      500,
    );
  }, 90_000);

  test('TurboZapQueueBacklog goes pending while the send queue holds more than 1,000 messages', async () => {
    await cluster.api('POST', '/instance/create', { name: 'backlog' });
    let sent = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (sent < 1050) {
          sent++;
          const res = await cluster.api('POST', '/message/backlog/text', { to: '5511999990000', text: `m${sent}` });
          expect(res.status).toBe(202);
        }
      }),
    );
    await waitFor(
      'queue depth above 1000 in Prometheus',
      async () => Number((await query('max(turbozap_queue_messages_pending)'))[0]?.value[1] ?? 0) > 1000,
      60_000,
      500,
    );
    const alert = await waitFor(
      'TurboZapQueueBacklog pending',
      async () => {
        const body = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
        return body.data.alerts.find((a) => a.labels.alertname === 'TurboZapQueueBacklog');
      },
      60_000,
      500,
    );
    expect(alert.state).toBe('pending');
    expect(alert.labels.queue).toBe('whatsapp.send.messages');
  }, 180_000);
});
