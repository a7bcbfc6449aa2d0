import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../errors.ts';
import { fill, useTexts } from '../i18n.ts';

const listInstances = (tz: TurboZap) => unwrap(tz.api.GET('/api/instance/list'));
type Instance = Awaited<ReturnType<typeof listInstances>>[number];

/** By name, number or WhatsApp name (any part of them), and by status. */
const matches = (search: string, status: string) => {
  const needle = search.trim().toLowerCase();
  return (i: Instance) =>
    (status === '' || i.status === status) &&
    (needle === '' || [i.name, i.jid ?? '', i.push_name ?? ''].some((field) => field.toLowerCase().includes(needle)));
};

/** Every instance (admin keys): its status, number, name on WhatsApp and owning worker. */
export function InstancesPage({ tz }: { tz: TurboZap }) {
  const t = useTexts();
  const [instances, setInstances] = useState<Instance[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState('');

  /** The ids the list holds: an event of another one means it was created since the list was read. */
  const known = useRef(new Set<string>());
  const load = useCallback(async () => {
    const list = await listInstances(tz);
    known.current = new Set(list.map((i) => i.id));
    setInstances(list);
  }, [tz]);
  useEffect(() => {
    // The list as it is at each (re)connection, then every status change as it happens: no polling.
    const stop = new AbortController();
    void tz
      .streamStatuses({
        signal: stop.signal,
        onOpen: load,
        onEvent: async (event) => {
          if (event.event !== 'connection.update') return;
          if (!known.current.has(event.instance.id)) return load();
          setInstances((list) =>
            (list ?? []).map((i) =>
              i.id === event.instance.id
                ? {
                    ...i,
                    status: event.data.status,
                    jid: event.data.jid ?? i.jid,
                    push_name: event.data.push_name ?? i.push_name,
                    updated_at: event.timestamp,
                  }
                : i,
            ),
          );
        },
      })
      .catch((failure: unknown) => setError(errorText(failure)));
    return () => stop.abort();
  }, [tz, load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await unwrap(tz.api.POST('/api/instance/create', { body: { name } }));
      setCreated({ name, key: made.api_key });
      setName('');
      await load();
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <section>
      <h2>{t.instances}</h2>
      <form className="row" onSubmit={create}>
        <label htmlFor="new-name">{t.newInstance}</label>
        <input
          id="new-name"
          value={name}
          pattern="[a-z0-9_\-]{1,64}"
          placeholder="vendas"
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={name === ''}>
          {t.create}
        </button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </form>
      {created && (
        <div className="card" role="status">
          <p>{fill(t.keyOnce, { name: created.name })}</p>
          <code data-testid="new-key">{created.key}</code>
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              {t.copy}
            </button>
            <a href={`#/instance/${created.name}`}>{fill(t.open, { name: created.name })}</a>
          </div>
        </div>
      )}
      {instances?.length === 0 && <p>{t.none}</p>}
      {instances && instances.length > 0 && (
        <div className="row">
          <label htmlFor="search">{t.search}</label>
          <input id="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          <label htmlFor="status-filter">{t.status}</label>
          <select id="status-filter" value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
            <option value="">{t.any}</option>
            {Object.entries(t.statuses).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      {instances && instances.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t.name}</th>
              <th>{t.status}</th>
              <th>{t.number}</th>
              <th>{t.pushName}</th>
              <th>{t.owner}</th>
              <th>{t.updated}</th>
            </tr>
          </thead>
          <tbody>
            {instances.filter(matches(search, statusFilter)).map((i) => (
              <tr key={i.id}>
                <td>
                  <a href={`#/instance/${i.name}`}>{i.name}</a>
                </td>
                <td>
                  <span className={`status ${i.status}`}>{t.statuses[i.status] ?? i.status}</span>
                </td>
                <td>{i.jid?.split(/[:@]/)[0] ?? '—'}</td>
                <td>{i.push_name ?? '—'}</td>
                <td>{i.owner ?? '—'}</td>
                <td>{new Date(i.updated_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
