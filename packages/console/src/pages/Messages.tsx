import { type TurboZap, unwrap } from '@turbozap/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type Texts, useTexts } from '../i18n.ts';
import { useAction } from '../use-action.ts';

const listMessages = (tz: TurboZap, name: string, remote = '') =>
  unwrap(
    tz.api.GET('/api/message/{name}', {
      params: { path: { name }, query: { limit: 50, ...(remote ? { remote } : {}) } },
    }),
  );
type Message = Awaited<ReturnType<typeof listMessages>>[number];

/** What a message says in one line: its text, its caption, or its type. */
const summary = (m: Message): string => {
  for (const field of ['text', 'caption', 'filename']) {
    const value = m.content[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return m.type;
};

/** A file's bytes as base64, for the API's `base64` field. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A composer for texts and the instance's latest messages, both directions, reloaded on each message event. */
export function Messages({ tz, name, changes }: { tz: TurboZap; name: string; changes: number }) {
  const t = useTexts();
  const [messages, setMessages] = useState<Message[]>([]);
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [contact, setContact] = useState('');
  const [file, setFile] = useState<File | null>(null);
  /** The contact filter as the API takes it: digits, once it could be a number. */
  const remote = /^\+?\d{6,15}$/.test(contact.trim()) ? contact.trim() : '';
  const load = useCallback(async () => setMessages(await listMessages(tz, name, remote)), [tz, name, remote]);
  const { error, run, report } = useAction(load);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `changes` counts message events, the reason to reload
  useEffect(() => {
    load().catch(report);
  }, [load, report, changes]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const path = { params: { path: { name } } };
      if (file) {
        const media = { to, base64: await base64Of(file), mimetype: file.type || 'application/octet-stream' };
        const caption = text === '' ? {} : { caption: text };
        if (file.type.startsWith('audio/')) {
          await unwrap(tz.api.POST('/api/message/{name}/audio', { ...path, body: media }));
        } else {
          const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('video/') ? 'video' : 'document';
          const body = { ...media, ...caption, media_type: kind, filename: file.name } as const;
          await unwrap(tz.api.POST('/api/message/{name}/media', { ...path, body }));
        }
      } else {
        await unwrap(tz.api.POST('/api/message/{name}/text', { ...path, body: { to, text } }));
      }
      setText('');
      setFile(null);
    });
  };

  return (
    <>
      <form className="card" onSubmit={send}>
        <h3>{t.composer}</h3>
        <label htmlFor="to">{t.to}</label>
        <input id="to" value={to} inputMode="numeric" onChange={(e) => setTo(e.target.value)} />
        <label htmlFor="text">{t.text}</label>
        <textarea id="text" value={text} onChange={(e) => setText(e.target.value)} />
        <label htmlFor="file">{t.file}</label>
        <input
          id="file"
          type="file"
          accept="image/*,video/*,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt,.zip"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={to === '' || (text === '' && !file)}>
          {t.send}
        </button>
      </form>
      <div className="row">
        <h3>{t.messages}</h3>
        <label htmlFor="contact-filter">{t.contact}</label>
        <input id="contact-filter" inputMode="numeric" value={contact} onChange={(e) => setContact(e.target.value)} />
      </div>
      {messages.length === 0 && <p>{t.noMessages}</p>}
      <ul className="messages">
        {messages.map((m) => (
          <li key={m.id} className={m.direction} data-testid="message">
            <span className="who">{m.remote_jid.split('@')[0]}</span> <span className="body">{summary(m)}</span>{' '}
            <span className={`status ${m.status}`} data-testid="message-status" data-status={m.status}>
              {t.messageStatuses[m.status] ?? m.status}
            </span>{' '}
            <time dateTime={m.created_at}>{new Date(m.created_at).toLocaleTimeString()}</time>
            <History message={m} t={t} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** Every status the message went through, with when (and why, for a failure). */
function History({ message, t }: { message: Message; t: Texts }) {
  if (message.history.length === 0) return null;
  return (
    <details>
      <summary>{t.history}</summary>
      <ol className="history" data-testid="message-history">
        {message.history.map((step) => (
          <li key={`${step.status}-${step.at}`} data-status={step.status}>
            {t.messageStatuses[step.status] ?? step.status}{' '}
            <time dateTime={step.at}>{new Date(step.at).toLocaleTimeString()}</time>
            {step.reason && ` (${step.reason})`}
          </li>
        ))}
      </ol>
    </details>
  );
}
