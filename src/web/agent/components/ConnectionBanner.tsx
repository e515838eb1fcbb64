import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.js';
import { useNow } from '../hooks/use-now.js';
import type { ConnectionStatus } from '../realtime/connection.js';

const BACK_SHOWN_MS = 3000;

function RetryIn({ at }: { at: number }) {
  const { t } = useI18n();
  const seconds = Math.ceil((at - useNow(500)) / 1000);
  return seconds > 0 ? <span class="muted"> ({t.connection.retryIn(seconds)})</span> : null;
}

/** A banner while the realtime channel is down, and a short "connected again" once it is back. */
export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  const { t } = useI18n();
  const [backUntil, setBackUntil] = useState(0);
  const reconnected = status.kind === 'open' && status.reconnected;

  useEffect(() => {
    if (!reconnected) return;
    setBackUntil(Date.now() + BACK_SHOWN_MS);
    const timer = setTimeout(() => setBackUntil(0), BACK_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [status, reconnected]);

  if (status.kind === 'lost') {
    return (
      <div class="banner banner-lost" role="alert" data-testid="connection-banner">
        {t.connection.lost}
        <RetryIn at={status.retryAt} />
      </div>
    );
  }
  if (reconnected && backUntil > 0) {
    return (
      <div class="banner banner-back" role="status" data-testid="connection-banner">
        {t.connection.back}
      </div>
    );
  }
  return null;
}
