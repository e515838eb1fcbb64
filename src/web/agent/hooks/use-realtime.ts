import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { RealtimeConnection, type ConnectionStatus } from '../realtime/connection.js';
import type { ClientMessage, ConsoleMessage } from '../types.js';

export interface RealtimeHandlers {
  onMessage: (message: ConsoleMessage, receivedAt: number) => void;
  onEnded: (reason: string) => void;
  onFailures: () => void;
}

const socketUrl = (): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

/** The page's one realtime connection for as long as the component lives: its status, and a way to send. */
export function useRealtime(handlers: RealtimeHandlers): { status: ConnectionStatus; send: (message: ClientMessage) => boolean } {
  const [status, setStatus] = useState<ConnectionStatus>({ kind: 'connecting' });
  const latest = useRef(handlers);
  latest.current = handlers;
  const connection = useRef<RealtimeConnection | null>(null);

  useEffect(() => {
    const created = new RealtimeConnection({
      url: socketUrl(),
      onMessage: (message, receivedAt) => latest.current.onMessage(message, receivedAt),
      onStatus: (next) => {
        setStatus(next);
        if (next.kind === 'ended') latest.current.onEnded(next.reason);
      },
      onFailures: () => latest.current.onFailures(),
    });
    connection.current = created;
    created.start();
    return () => {
      created.stop();
      connection.current = null;
    };
  }, []);

  const send = useCallback((message: ClientMessage) => connection.current?.send(message) ?? false, []);
  return { status, send };
}
