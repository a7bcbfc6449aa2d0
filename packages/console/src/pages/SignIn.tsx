import { type FormEvent, useState } from 'react';
import { useTexts } from '../i18n.ts';

export function SignIn({ onSignIn }: { onSignIn: (key: string) => Promise<boolean> }) {
  const t = useTexts();
  const [key, setKey] = useState('');
  const [failed, setFailed] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailed(!(await onSignIn(key.trim())));
  };
  return (
    <form className="card" onSubmit={submit}>
      <h2>{t.signIn}</h2>
      <label htmlFor="key">{t.apiKey}</label>
      <input id="key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
      <p className="hint">{t.keyHint}</p>
      {failed && (
        <p role="alert" className="error">
          {t.badKey}
        </p>
      )}
      <button type="submit" disabled={key.trim() === ''}>
        {t.signIn}
      </button>
    </form>
  );
}
