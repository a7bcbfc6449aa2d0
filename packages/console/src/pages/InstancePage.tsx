import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { fill, useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';
import { EventTail, type TailEntry, tailLength } from './EventTail.tsx';
import { Messages } from './Messages.tsx';
import { Timeline } from './Timeline.tsx';
import { Webhook } from './Webhook.tsx';

interface Props {
  tz: TurboZap;
  name: string;
  /** Admin keys may delete; an instance key may not. */
  admin: boolean;
  onBack: (() => void) | undefined;
}

type Status = Awaited<ReturnType<typeof statusOf>>;
type Qr = Awaited<ReturnType<typeof qrOf>>;
const statusOf = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/instance/{name}/status', { params: { path: { name } } }));
const qrOf = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/instance/{name}/qrcode', { params: { path: { name } } }));

const tabs = ['messages', 'timeline', 'events', 'webhook'] as const;
type Tab = (typeof tabs)[number];

/**
 * One instance: its status and linking (the QR replaced live as WhatsApp rotates it, or a
 * pairing code), its actions, a composer and its messages, its status timeline, its events as
 * they happen and its webhook. Everything refreshes from the instance's event stream: no polling.
 */
export function InstancePage({ tz, name, admin, onBack }: Props) {
  const t = useTexts();
  const [status, setStatus] = useState<Status | null>(null);
  const [qr, setQr] = useState<Qr | null>(null);
  const [qrAge, setQrAge] = useState(0);
  /** How long the code on screen lasts, as the worker said when it rotated it. */
  const [qrLifetime, setQrLifetime] = useState(20);
  const [changes, setChanges] = useState(0);
  const [statusChanges, setStatusChanges] = useState(0);
  const [tail, setTail] = useState<TailEntry[]>([]);
  const [phone, setPhone] = useState('');
  const [tab, setTab] = useState<Tab>('messages');
  const path = { params: { path: { name } } };

  const refresh = useCallback(async () => {
    const now = await statusOf(tz, name);
    setStatus(now);
    setQr(now.status === 'connected' ? null : await qrOf(tz, name));
  }, [tz, name]);
  const { error, run, report } = useAction(refresh);

  useEffect(() => {
    refresh().catch(report);
    const stop = new AbortController();
    let arrived = 0;
    void tz
      .streamEvents(name, {
        signal: stop.signal,
        onEvent: async (event, id) => {
          const entry = { key: id ?? `live-${arrived++}`, event };
          setTail((entries) => [entry, ...entries.slice(0, tailLength - 1)]);
          if (event.event === 'connection.update') setStatusChanges((n) => n + 1);
          if (event.event === 'qrcode.updated') {
            setQrAge(0);
            if (event.data.expires_in_ms) setQrLifetime(Math.round(event.data.expires_in_ms / 1000));
          }
          // A read that fails is shown, and the stream goes on: the next event reads again.
          if (event.event === 'connection.update' || event.event === 'qrcode.updated') await refresh().catch(report);
          if (event.event.startsWith('message.')) setChanges((n) => n + 1);
        },
      })
      .catch(report);
    return () => stop.abort();
  }, [tz, name, refresh, report]);

  useEffect(() => {
    const timer = setInterval(() => setQrAge((age) => age + 1), 1_000);
    return () => clearInterval(timer);
  }, []);

  const act = (action: () => Promise<unknown>) => () => run(action);
  const connect = act(() => unwrap(tz.api.POST('/api/instance/{name}/connect', path)));
  const restart = act(() => unwrap(tz.api.PUT('/api/instance/{name}/restart', path)));
  const logout = act(() => unwrap(tz.api.POST('/api/instance/{name}/logout', path)));
  const remove = async () => {
    if (!confirm(fill(t.confirmDelete, { name }))) return;
    await act(() => unwrap(tz.api.DELETE('/api/instance/{name}', path)))();
    location.hash = '';
  };
  const pair = (e: FormEvent) => {
    e.preventDefault();
    void act(() =>
      unwrap(tz.api.POST('/api/instance/{name}/connect', { params: { path: { name }, query: { phone } } })),
    )();
  };

  const connected = status?.status === 'connected';
  const tabLabel: Record<Tab, string> = {
    messages: t.messages,
    timeline: t.timeline,
    events: t.liveEvents,
    webhook: t.webhook,
  };
  return (
    <section>
      {onBack && (
        <button type="button" className="link" onClick={onBack}>
          ← {t.back}
        </button>
      )}
      <h2>
        {name}{' '}
        {status && (
          <span className={`status ${status.status}`} data-testid="status">
            {t.statuses[status.status] ?? status.status}
          </span>
        )}
      </h2>
      {status?.jid && <p>{status.jid.split(/[:@]/)[0]}</p>}
      <div className="row">
        {!connected && (
          <button type="button" onClick={connect}>
            {t.connect}
          </button>
        )}
        <button type="button" onClick={restart}>
          {t.restart}
        </button>
        <button type="button" onClick={logout}>
          {t.logout}
        </button>
        {admin && (
          <button type="button" className="danger" onClick={remove}>
            {t.delete}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!connected && qr?.base64 && (
        <figure className="qr">
          <img src={qr.base64} alt="QR" width={264} height={264} data-testid="qr" />
          <figcaption>
            {t.scan} {fill(t.qrExpires, { s: Math.max(0, qrLifetime - qrAge) })}
          </figcaption>
        </figure>
      )}
      {!connected && (
        <form className="row" onSubmit={pair}>
          <label htmlFor="pair-phone">{t.pairingPhone}</label>
          <input id="pair-phone" value={phone} inputMode="numeric" onChange={(e) => setPhone(e.target.value)} />
          <button type="submit" disabled={!/^\+?\d{8,15}$/.test(phone)}>
            {t.getCode}
          </button>
        </form>
      )}
      {!connected && qr?.pairing_code && (
        <p>
          {t.pairingCode}: <strong data-testid="pairing-code">{qr.pairing_code}</strong>
        </p>
      )}
      <div className="row" role="tablist">
        {tabs.map((each) => (
          <button key={each} type="button" role="tab" aria-selected={tab === each} onClick={() => setTab(each)}>
            {tabLabel[each]}
          </button>
        ))}
      </div>
      {tab === 'messages' && connected && <Messages tz={tz} name={name} changes={changes} />}
      {tab === 'timeline' && <Timeline tz={tz} name={name} changes={statusChanges} />}
      {tab === 'events' && <EventTail entries={tail} />}
      {tab === 'webhook' && <Webhook tz={tz} name={name} />}
    </section>
  );
}
