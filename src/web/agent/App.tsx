import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api/console-api.js';
import { ConsolePage } from './components/ConsolePage.js';
import { LoginPage } from './components/LoginPage.js';
import { useI18n } from './i18n/context.js';
import type { User } from './types.js';

type Auth = { kind: 'checking' } | { kind: 'out'; notice: string | null } | { kind: 'in'; user: User };

/** Logged in (the session cookie is good) or not: the console or the login form. */
export function App() {
  const { t } = useI18n();
  const [auth, setAuth] = useState<Auth>({ kind: 'checking' });

  const loggedIn = useCallback(
    (user: User) => {
      if (user.role === 'agent') return setAuth({ kind: 'in', user });
      // Supervisors and admins have no agent state: the console is not theirs (the wallboard is).
      void api.logout().catch(() => undefined);
      setAuth({ kind: 'out', notice: t.login.notAgent(user.role) });
    },
    [t],
  );
  const signedOut = useCallback((notice: string | null) => setAuth({ kind: 'out', notice }), []);

  useEffect(() => {
    api
      .me()
      .then(loggedIn)
      .catch(() => setAuth({ kind: 'out', notice: null }));
    // Only at start: later changes come from the login form and the session's end.
  }, []);

  if (auth.kind === 'checking') return <p class="loading">{t.app.loading}</p>;
  if (auth.kind === 'out') return <LoginPage onLoggedIn={loggedIn} notice={auth.notice} />;
  return <ConsolePage key={auth.user.id} user={auth.user} onSignedOut={signedOut} />;
}
