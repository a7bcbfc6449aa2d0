import { type TurboZap, unwrap } from '@turbozap/client';
import { useCallback, useEffect, useState } from 'react';
import { type Lang, LangContext, savedLang, saveLang, texts } from './i18n.ts';
import { ClusterPage } from './pages/ClusterPage.tsx';
import { InstancePage } from './pages/InstancePage.tsx';
import { InstancesPage } from './pages/InstancesPage.tsx';
import { KeysPage } from './pages/KeysPage.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { clientFor, forgetKey, savedKey, saveKey } from './session.ts';

/** Who signed in: an admin sees every instance; an instance key only its own. */
export type Who = { kind: 'admin' } | { kind: 'instance'; instance: { id: string; name: string } };

interface Session {
  tz: TurboZap;
  who: Who;
}

/** Not instance names (those are a-z 0-9 _ -): the admin pages. */
const keysPage = ':keys';
const clusterPage = ':cluster';

/** `#/instance/NAME` opens an instance, `#/keys` and `#/cluster` those pages; anything else the list. */
const routeOf = (hash: string): string | null =>
  hash === '#/keys'
    ? keysPage
    : hash === '#/cluster'
      ? clusterPage
      : (/^#\/instance\/([a-z0-9_-]{1,64})$/.exec(hash)?.[1] ?? null);

export function App() {
  const [lang, setLang] = useState<Lang>(savedLang);
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(savedKey() !== null);
  const [opened, setOpened] = useState<string | null>(routeOf(location.hash));
  const t = texts[lang];

  const signIn = useCallback(async (key: string): Promise<boolean> => {
    const tz = clientFor(key);
    try {
      const who = await unwrap(tz.api.GET('/api/auth/me'));
      saveKey(key);
      setSession({ tz, who });
      return true;
    } catch {
      forgetKey();
      return false;
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    const key = savedKey();
    if (key) void signIn(key);
    const onHash = () => setOpened(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [signIn]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const signOut = () => {
    forgetKey();
    setSession(null);
    location.hash = '';
  };
  const switchLang = (next: Lang) => {
    saveLang(next);
    setLang(next);
  };

  const own = session?.who.kind === 'instance' ? session.who.instance.name : null;
  const admin = session?.who.kind === 'admin';
  const current = own ?? opened;
  return (
    <LangContext.Provider value={t}>
      <header>
        <h1>{t.title}</h1>
        <label>
          {t.language}{' '}
          <select value={lang} onChange={(e) => switchLang(e.target.value as Lang)}>
            <option value="pt-BR">Português</option>
            <option value="en">English</option>
          </select>
        </label>
        {admin && (
          <nav>
            <a href="#/">{t.instances}</a> <a href="#/keys">{t.keys}</a> <a href="#/cluster">{t.cluster}</a>
          </nav>
        )}
        {session && (
          <button type="button" onClick={signOut}>
            {t.signOut}
          </button>
        )}
      </header>
      <main>
        {checking ? null : !session ? (
          <SignIn onSignIn={signIn} />
        ) : admin && current === keysPage ? (
          <KeysPage tz={session.tz} />
        ) : admin && current === clusterPage ? (
          <ClusterPage tz={session.tz} />
        ) : current ? (
          <InstancePage
            tz={session.tz}
            name={current}
            admin={admin}
            onBack={own ? undefined : () => (location.hash = '')}
          />
        ) : (
          <InstancesPage tz={session.tz} />
        )}
      </main>
    </LangContext.Provider>
  );
}
