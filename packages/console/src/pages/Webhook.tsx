import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { fill, useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const get = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/webhook/{name}', { params: { path: { name } } })).catch(() => null);
const deliveriesOf = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/webhook/{name}/deliveries', { params: { path: { name }, query: { limit: 50 } } }));
type Hook = NonNullable<Awaited<ReturnType<typeof get>>>;
type Delivery = Awaited<ReturnType<typeof deliveriesOf>>[number];
type EventName = Awaited<ReturnType<typeof catalogue>>[number]['name'];
const catalogue = (tz: TurboZap) => unwrap(tz.api.GET('/api/webhook/events'));

/** `Name: value` lines ↔ the webhook's extra headers. */
const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
const parseHeaders = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.split(/:(.*)/s).map((part) => part.trim()))
      .filter(([k]) => k)
      .map(([k, v]) => [k ?? '', v ?? '']),
  );

/** A new signing secret, made in the browser: `whsec_` and 32 random bytes. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
}

/** The instance's webhook: its settings, its secret (shown only when set), its delivery log with replay. */
export function Webhook({ tz, name }: { tz: TurboZap; name: string }) {
  const t = useTexts();
  const [hook, setHook] = useState<Hook | null>(null);
  const [events, setEvents] = useState<{ name: EventName; description: string }[]>([]);
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<EventName[]>([]);
  const [headers, setHeaders] = useState('');
  const [withMedia, setWithMedia] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const path = { params: { path: { name } } };

  const load = useCallback(async () => {
    const current = await get(tz, name);
    setHook(current);
    if (current) {
      setUrl(current.url);
      setChosen(current.events as EventName[]);
      setHeaders(headerLines(current.headers));
      setWithMedia(current.include_media_base64);
      setDeliveries(await deliveriesOf(tz, name));
    }
  }, [tz, name]);
  const { error, run, report } = useAction(load);
  useEffect(() => {
    load().catch(report);
    catalogue(tz).then(setEvents, report);
  }, [tz, load, report]);

  const save = (rotate: boolean) =>
    run(async () => {
      const set = await unwrap(
        tz.api.POST('/api/webhook/{name}/set', {
          ...path,
          body: {
            url,
            events: chosen,
            headers: parseHeaders(headers),
            include_media_base64: withMedia,
            enabled: hook?.enabled ?? true,
            ...(rotate ? { secret: newSecret() } : {}),
          },
        }),
      );
      // Told once: shown now, never fetched again.
      if (!hook || rotate) setSecret(set.secret);
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };
  const toggle = (event: EventName) =>
    setChosen((list) => (list.includes(event) ? list.filter((e) => e !== event) : [...list, event]));

  return (
    <section>
      <form className="card wide" onSubmit={submit}>
        <h3>{t.webhook}</h3>
        <label htmlFor="hook-url">URL</label>
        <input id="hook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
        <fieldset>
          <legend>{t.hookEvents}</legend>
          {events.map((e) => (
            <label key={e.name} title={e.description} className="check">
              <input type="checkbox" checked={chosen.includes(e.name)} onChange={() => toggle(e.name)} /> {e.name}
            </label>
          ))}
        </fieldset>
        <label htmlFor="hook-headers">{t.hookHeaders}</label>
        <textarea
          id="hook-headers"
          value={headers}
          placeholder="Authorization: Bearer …"
          onChange={(e) => setHeaders(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={withMedia} onChange={(e) => setWithMedia(e.target.checked)} /> {t.hookMedia}
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit">{t.save}</button>
          {hook && (
            <>
              <button type="button" onClick={() => void save(true)}>
                {t.rotate}
              </button>
              <button
                type="button"
                onClick={() =>
                  void run(() =>
                    unwrap(
                      tz.api.POST(hook.enabled ? '/api/webhook/{name}/disable' : '/api/webhook/{name}/enable', path),
                    ),
                  )
                }
              >
                {hook.enabled ? t.disable : t.enable}
              </button>
            </>
          )}
        </div>
        {hook && <p>{hook.enabled ? t.hookOn : t.hookOff}</p>}
        {secret && (
          <p role="status">
            {t.secretOnce} <code data-testid="secret">{secret}</code>
          </p>
        )}
      </form>
      {hook && (
        <>
          <div className="row">
            <h3>{t.deliveries}</h3>
            <button type="button" onClick={() => void run()}>
              {t.refresh}
            </button>
          </div>
          {deliveries.length === 0 && <p>{t.noDeliveries}</p>}
          {deliveries.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>{t.event}</th>
                  <th>{t.status}</th>
                  <th>{t.attempts}</th>
                  <th>{t.created}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id} data-testid="delivery">
                    <td>{d.event}</td>
                    <td>
                      <span className={`status ${d.status}`} data-testid="delivery-status" data-status={d.status}>
                        {t.deliveryStatuses[d.status] ?? d.status}
                      </span>
                    </td>
                    <td>
                      <ul className="attempts">
                        {d.attempt_log.map((a) => (
                          <li key={`${a.attempt}-${a.at}`} data-testid="attempt">
                            {fill(t.attempt, { n: a.attempt })}: {a.status_code ?? '—'} · {a.duration_ms} ms
                            {a.error ? ` · ${a.error}` : ''}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>{new Date(d.created_at).toLocaleString()}</td>
                    <td>
                      <button
                        type="button"
                        onClick={() =>
                          void run(() =>
                            unwrap(
                              tz.api.POST('/api/webhook/{name}/deliveries/{id}/replay', {
                                params: { path: { name, id: d.id } },
                              }),
                            ),
                          )
                        }
                      >
                        {t.replay}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
