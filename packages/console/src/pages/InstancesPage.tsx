import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { fill, useTexts } from '../i18n.ts';

const listInstances = (tz: TurboZap) => unwrap(tz.api.GET('/api/instance/list'));
type Instance = Awaited<ReturnType<typeof listInstances>>[number];

/** Every instance (admin keys): its status, number, name on WhatsApp and owning worker. */
export function InstancesPage({ tz }: { tz: TurboZap }) {
  const t = useTexts();
  const [instances, setInstances] = useState<Instance[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const load = useCallback(async () => setInstances(await listInstances(tz)), [tz]);
  useEffect(() => {
    void load();
    // Back on the tab: the list as it is now (status changes of other tabs, other operators).
    addEventListener('focus', load);
    return () => removeEventListener('focus', load);
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await unwrap(tz.api.POST('/api/instance/create', { body: { name } }));
      setCreated({ name, key: made.api_key });
      setName('');
      await load();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
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
            {instances.map((i) => (
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
