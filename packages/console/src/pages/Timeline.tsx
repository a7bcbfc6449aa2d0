import { type TurboZap, unwrap } from '@turbozap/client';
import { useCallback, useEffect, useState } from 'react';
import { useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const historyOf = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/instance/{name}/status/history', { params: { path: { name }, query: { limit: 50 } } }));
type Change = Awaited<ReturnType<typeof historyOf>>[number];

/** The instance's status changes, newest first; read again on each live one (`changes` counts them). */
export function Timeline({ tz, name, changes }: { tz: TurboZap; name: string; changes: number }) {
  const t = useTexts();
  const [history, setHistory] = useState<Change[] | null>(null);
  const load = useCallback(async () => setHistory(await historyOf(tz, name)), [tz, name]);
  const { error, report } = useAction(load);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` counts status events, the reason to reload
  useEffect(() => {
    load().catch(report);
  }, [load, report, changes]);

  const label = (status: string) => t.statuses[status] ?? status;
  return (
    <>
      <h3>{t.timeline}</h3>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {history?.length === 0 && <p>{t.noTimeline}</p>}
      <ol className="timeline" data-testid="timeline">
        {history?.map((change) => (
          <li key={`${change.at}-${change.previous_status}-${change.status}`}>
            <time dateTime={change.at}>{new Date(change.at).toLocaleString()}</time>{' '}
            <span className={`status ${change.previous_status}`}>{label(change.previous_status)}</span> →{' '}
            <span className={`status ${change.status}`}>{label(change.status)}</span>
            {change.reason && (
              <span className="hint">
                {' '}
                {t.reason}: {change.reason}
                {change.code === undefined ? '' : ` (${change.code})`}
              </span>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
