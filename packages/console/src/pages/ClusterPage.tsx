import { type TurboZap, unwrap } from '@turbozap/client';
import { useCallback, useEffect, useState } from 'react';
import { useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const clusterOf = (tz: TurboZap) => unwrap(tz.api.GET('/api/cluster'));
type Cluster = Awaited<ReturnType<typeof clusterOf>>;
const tallies = [
  'messages_accepted',
  'messages_sent',
  'messages_received',
  'messages_failed',
  'webhooks_delivered',
  'webhooks_failed',
] as const;
const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** The cluster at a glance (admin): instances expected vs connected, session-workers, queue depths. */
export function ClusterPage({ tz }: { tz: TurboZap }) {
  const t = useTexts();
  const [cluster, setCluster] = useState<Cluster | null>(null);
  const load = useCallback(async () => setCluster(await clusterOf(tz)), [tz]);
  const { error, run } = useAction(load);
  useEffect(() => {
    void run();
  }, [run]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!cluster) return null;
  const { instances, workers, queues } = cluster;
  return (
    <section>
      <div className="row">
        <h2>{t.cluster}</h2>
        <button type="button" onClick={() => void run()}>
          {t.refresh}
        </button>
      </div>
      <dl className="figures">
        <div>
          <dt>{t.expected}</dt>
          <dd data-testid="expected">{instances.expected}</dd>
        </div>
        <div>
          <dt>{t.connectedNow}</dt>
          <dd data-testid="connected">{instances.connected}</dd>
        </div>
        <div>
          <dt>{t.instances}</dt>
          <dd>{instances.total}</dd>
        </div>
        {queues.map((q) => (
          <div key={q.name}>
            <dt>{q.name}</dt>
            <dd>{q.pending ?? '—'}</dd>
          </div>
        ))}
      </dl>
      <h3>{t.status}</h3>
      <ul>
        {Object.entries(instances.by_status).map(([status, n]) => (
          <li key={status}>
            {t.statuses[status] ?? status}: {n}
          </li>
        ))}
      </ul>
      <h3>{t.workers}</h3>
      <table>
        <thead>
          <tr>
            <th>{t.owner}</th>
            <th>{t.instances}</th>
            <th>{t.lastBeat}</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id} data-testid="worker">
              <td>{w.id}</td>
              <td>{w.instances}</td>
              <td>{w.beat_age_ms === null ? '—' : `${(w.beat_age_ms / 1000).toFixed(1)} s`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t.perMinute}</h3>
      <table>
        <thead>
          <tr>
            <th>{t.minute}</th>
            {tallies.map((k) => (
              <th key={k}>{t.tallies[k]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cluster.per_minute.map((m) => (
            <tr key={m.minute} data-testid="minute">
              <td>
                {minuteFormat.format(new Date(m.minute))} {m.complete ? '' : t.ongoing}
              </td>
              {tallies.map((k) => (
                <td key={k} data-tally={k}>
                  {m[k]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t.ratesInGrafana}</p>
    </section>
  );
}
