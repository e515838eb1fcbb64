import { useState } from 'preact/hooks';
import { api } from '../api/console-api.js';
import { ApiError, NetworkError } from '../api/http.js';
import { useI18n } from '../i18n/context.js';
import type { Dictionary } from '../i18n/en.js';
import type { User } from '../types.js';
import { LanguagePicker } from './LanguagePicker.js';

function loginError(t: Dictionary, error: unknown): string {
  if (error instanceof NetworkError) return t.login.unreachable;
  if (error instanceof ApiError) {
    if (error.status === 401) return t.login.invalid;
    if (error.status === 429) return t.login.throttled(error.retryAfterSeconds ?? 60);
    return t.login.failed(error.message);
  }
  return t.login.failed(String(error));
}

/** The login form of a page; `heading` names the page (the console's by default). */
export function LoginPage({ onLoggedIn, notice, heading }: { onLoggedIn: (user: User) => void; notice: string | null; heading?: string }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.login(username.trim(), password));
    } catch (failure) {
      setError(loginError(t, failure));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-heading">
        <div class="login-top">
          <span class="brand">{t.app.brand}</span>
          <LanguagePicker />
        </div>
        <h1 id="login-heading">{heading ?? t.login.heading}</h1>
        {notice && <p class="notice info" role="status">{notice}</p>}
        <label class="field">
          <span>{t.login.username}</span>
          <input name="username" autocomplete="username" required maxLength={64} value={username} onInput={(event) => setUsername(event.currentTarget.value)} autoFocus />
        </label>
        <label class="field">
          <span>{t.login.password}</span>
          <input name="password" type="password" autocomplete="current-password" required maxLength={1024} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        </label>
        {error && <p class="notice error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.login.submitting : t.login.submit}
        </button>
      </form>
    </main>
  );
}
