import { useVirtualizer } from '@tanstack/react-virtual';
import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fill, type Texts, useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const listInstances = (tz: TurboZap) => unwrap(tz.api.GET('/api/instance/list'));
type Instance = Awaited<ReturnType<typeof listInstances>>[number];

/** By name, number or WhatsApp name (any part of them), and by status. */
const matches = (search: string, status: string) => {
  const needle = search.trim().toLowerCase();
  return (i: Instance) =>
    (status === '' || i.status === status) &&
    (needle === '' || [i.name, i.jid ?? '', i.push_name ?? ''].some((field) => field.toLowerCase().includes(needle)));
};

/** Every instance (admin keys): its status, number, name on WhatsApp and owning worker, kept live. */
export function InstancesPage({ tz }: { tz: TurboZap }) {
  const t = useTexts();
  const [instances, setInstances] = useState<Instance[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState('');

  /** Where each instance is in the list: an event of another one means it was created since the list was read. */
  const positions = useRef(new Map<string, number>());
  const load = useCallback(async () => {
    const list = await listInstances(tz);
    positions.current = new Map(list.map((i, at) => [i.id, at]));
    setInstances(list);
  }, [tz]);
  const { error, run, report } = useAction(load);

  /**
   * Status changes not drawn yet, by instance: a burst (a worker taking over hundreds of
   * instances) becomes one render per frame, and rows it did not touch keep their identity.
   */
  const pending = useRef(new Map<string, (i: Instance) => Instance>());
  const applyPending = useCallback(() => {
    const changes = pending.current;
    pending.current = new Map();
    setInstances((list) => {
      if (!list) return list;
      const next = list.slice();
      for (const [id, change] of changes) {
        const at = positions.current.get(id);
        const instance = at === undefined ? undefined : next[at];
        if (at !== undefined && instance) next[at] = change(instance);
      }
      return next;
    });
  }, []);
  useEffect(() => {
    // The list as it is at each (re)connection, then every status change as it happens: no polling.
    const stop = new AbortController();
    void tz
      .streamStatuses({
        signal: stop.signal,
        onOpen: load,
        onEvent: async (event) => {
          if (event.event !== 'connection.update') return;
          if (!positions.current.has(event.instance.id)) return load();
          const earlier = pending.current.get(event.instance.id);
          pending.current.set(event.instance.id, (i) => {
            const before = earlier ? earlier(i) : i;
            return {
              ...before,
              status: event.data.status,
              jid: event.data.jid ?? before.jid,
              push_name: event.data.push_name ?? before.push_name,
              updated_at: event.timestamp,
            };
          });
          if (pending.current.size === 1) requestAnimationFrame(applyPending);
        },
      })
      .catch(report);
    return () => stop.abort();
  }, [tz, load, report, applyPending]);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const made = await unwrap(tz.api.POST('/api/instance/create', { body: { name } }));
      setCreated({ name, key: made.api_key });
      setName('');
    });
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
        <InstanceTable instances={instances} search={search} status={statusFilter} />
      )}
    </section>
  );
}

/** A row's height before it is measured: one line of text with the table's padding. */
const rowHeight = 37;

/**
 * The rows in view and a few around them, between two spacer rows that keep the scroll bar
 * true: with thousands of instances the page renders tens of rows, and a status change
 * re-renders only those.
 */
function InstanceTable({ instances, search, status }: { instances: Instance[]; search: string; status: string }) {
  const t = useTexts();
  const shown = useMemo(() => instances.filter(matches(search, status)), [instances, search, status]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);
  return (
    <>
      <p className="hint" data-testid="instance-count">
        {fill(t.shown, { shown: shown.length, total: instances.length })}
      </p>
      <div className="scroller" ref={scroller} data-testid="instance-scroller">
        <table aria-rowcount={shown.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th>{t.name}</th>
              <th>{t.status}</th>
              <th>{t.number}</th>
              <th>{t.pushName}</th>
              <th>{t.owner}</th>
              <th>{t.updated}</th>
            </tr>
          </thead>
          <tbody>
            {before > 0 && <tr className="spacer" style={{ height: before }} />}
            {rows.map((row) => {
              const instance = shown[row.index];
              return instance ? <InstanceRow key={instance.id} instance={instance} t={t} index={row.index} /> : null;
            })}
            {after > 0 && <tr className="spacer" style={{ height: after }} />}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** One formatter for every row: building one per date is most of what a row costs to draw. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** Drawn again only when its instance changed (or it moved in the list). */
const InstanceRow = memo(function InstanceRow({
  instance: i,
  t,
  index,
}: {
  instance: Instance;
  t: Texts;
  index: number;
}) {
  return (
    <tr aria-rowindex={index + 2} data-testid="instance-row">
      <td>
        <a href={`#/instance/${i.name}`}>{i.name}</a>
      </td>
      <td>
        <span className={`status ${i.status}`}>{t.statuses[i.status] ?? i.status}</span>
      </td>
      <td>{i.jid?.split(/[:@]/)[0] ?? '—'}</td>
      <td>{i.push_name ?? '—'}</td>
      <td>{i.owner ?? '—'}</td>
      <td>{dateTime.format(new Date(i.updated_at))}</td>
    </tr>
  );
});
