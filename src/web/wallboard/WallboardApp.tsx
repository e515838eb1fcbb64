import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../agent/api/console-api.js';
import { LoginPage } from '../agent/components/LoginPage.js';
import { useI18n } from '../agent/i18n/context.js';
import type { User } from '../agent/types.js';
import { WallboardPage } from './WallboardPage.js';

type Auth = { kind: 'checking' } | { kind: 'out'; notice: string | null } | { kind: 'in'; user: User } | { kind: 'refused'; user: User };

const mayWatch = (user: User): boolean => user.role === 'supervisor' || user.role === 'admin';

/** Supervisors and admins see the wallboard; anyone else is told so (their session, e.g. an agent's console, is left alone). */
export function WallboardApp() {
  const { t } = useI18n();
  const [auth, setAuth] = useState<Auth>({ kind: 'checking' });
  const loggedIn = useCallback((user: User) => setAuth(mayWatch(user) ? { kind: 'in', user } : { kind: 'refused', user }), []);
  const signedOut = useCallback((notice: string | null) => setAuth({ kind: 'out', notice }), []);

  useEffect(() => {
    document.title = t.wallboard.title;
  }, [t]);

  useEffect(() => {
    api
      .me()
      .then(loggedIn)
      .catch(() => setAuth({ kind: 'out', notice: null }));
  }, []);

  if (auth.kind === 'checking') return <p class="loading">{t.app.loading}</p>;
  if (auth.kind === 'out') return <LoginPage onLoggedIn={loggedIn} notice={auth.notice} heading={t.wallboard.login} />;
  if (auth.kind === 'refused') {
    return (
      <main class="login">
        <div class="card login-card" data-testid="wallboard-refused">
          <h1>{t.wallboard.heading}</h1>
          <p class="notice error" role="alert">
            {t.wallboard.notSupervisor(auth.user.role)}
          </p>
          <button type="button" class="primary" onClick={() => void api.logout().finally(() => setAuth({ kind: 'out', notice: null }))}>
            {t.wallboard.signInOther}
          </button>
        </div>
      </main>
    );
  }
  return <WallboardPage key={auth.user.id} user={auth.user} onSignedOut={signedOut} />;
}
