import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { fill, useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const listKeys = (tz: TurboZap) => unwrap(tz.api.GET('/api/keys'));
type Key = Awaited<ReturnType<typeof listKeys>>[number];

/** Instance keys (admin): make one for an instance (shown once), see them all, revoke. */
export function KeysPage({ tz }: { tz: TurboZap }) {
  const t = useTexts();
  const [keys, setKeys] = useState<Key[]>([]);
  const [instances, setInstances] = useState<string[]>([]);
  const [instance, setInstance] = useState('');
  const [label, setLabel] = useState('');
  const [made, setMade] = useState<string | null>(null);

  const load = useCallback(async () => {
    setKeys(await listKeys(tz));
    const names = (await unwrap(tz.api.GET('/api/instance/list'))).map((i) => i.name);
    setInstances(names);
    setInstance((current) => current || (names[0] ?? ''));
  }, [tz]);
  const { error, run, report } = useAction(load);
  useEffect(() => {
    load().catch(report);
  }, [load, report]);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = label === '' ? { instance } : { instance, label };
      setMade((await unwrap(tz.api.POST('/api/keys', { body }))).key);
      setLabel('');
    });
  };
  const revoke = (key: Key) => {
    if (!confirm(fill(t.confirmRevoke, { name: key.label ?? key.instance?.name ?? key.id }))) return;
    void run(() => unwrap(tz.api.DELETE('/api/keys/{id}', { params: { path: { id: key.id } } })));
  };

  return (
    <section>
      <h2>{t.keys}</h2>
      <form className="row" onSubmit={create}>
        <label htmlFor="key-instance">{t.instance}</label>
        <select id="key-instance" value={instance} onChange={(e) => setInstance(e.target.value)}>
          {instances.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <label htmlFor="key-label">{t.label}</label>
        <input id="key-label" value={label} onChange={(e) => setLabel(e.target.value)} />
        <button type="submit" disabled={instance === ''}>
          {t.newKey}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {made && (
        <div className="card" role="status">
          <p>{t.keyShownOnce}</p>
          <code data-testid="made-key">{made}</code>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(made)}>
            {t.copy}
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>{t.instance}</th>
            <th>{t.label}</th>
            <th>{t.created}</th>
            <th>{t.status}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-testid="key-row">
              <td>{k.kind === 'admin' ? t.adminKey : (k.instance?.name ?? '—')}</td>
              <td>{k.label ?? '—'}</td>
              <td>{new Date(k.created_at).toLocaleString()}</td>
              <td>{k.revoked_at ? fill(t.revokedAt, { at: new Date(k.revoked_at).toLocaleString() }) : t.active}</td>
              <td>
                {!k.revoked_at && (
                  <button type="button" className="danger" onClick={() => revoke(k)}>
                    {t.revoke}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
