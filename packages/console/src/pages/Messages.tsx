import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useEffect, useState } from 'react';
import { useTexts } from '../i18n.ts';

const listMessages = (tz: TurboZap, name: string) =>
  unwrap(tz.api.GET('/api/message/{name}', { params: { path: { name }, query: { limit: 50 } } }));
type Message = Awaited<ReturnType<typeof listMessages>>[number];

/** A composer for texts and the instance's latest messages, both directions, reloaded on each message event. */
export function Messages({ tz, name, changes }: { tz: TurboZap; name: string; changes: number }) {
  const t = useTexts();
  const [messages, setMessages] = useState<Message[]>([]);
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` counts message events, the reason to reload
  useEffect(() => {
    void listMessages(tz, name).then(setMessages);
  }, [tz, name, changes]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await unwrap(tz.api.POST('/api/message/{name}/text', { params: { path: { name } }, body: { to, text } }));
      setText('');
      setMessages(await listMessages(tz, name));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <>
      <form className="card" onSubmit={send}>
        <h3>{t.composer}</h3>
        <label htmlFor="to">{t.to}</label>
        <input id="to" value={to} inputMode="numeric" onChange={(e) => setTo(e.target.value)} />
        <label htmlFor="text">{t.text}</label>
        <textarea id="text" value={text} onChange={(e) => setText(e.target.value)} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={to === '' || text === ''}>
          {t.send}
        </button>
      </form>
      <h3>{t.messages}</h3>
      {messages.length === 0 && <p>{t.noMessages}</p>}
      <ul className="messages">
        {messages.map((m) => (
          <li key={m.id} className={m.direction} data-testid="message">
            <span className="who">{m.remote_jid.split('@')[0]}</span>{' '}
            <span className="body">{typeof m.content['text'] === 'string' ? m.content['text'] : m.type}</span>{' '}
            <span className={`status ${m.status}`} data-testid="message-status">
              {m.status}
            </span>{' '}
            <time dateTime={m.created_at}>{new Date(m.created_at).toLocaleTimeString()}</time>
          </li>
        ))}
      </ul>
    </>
  );
}
