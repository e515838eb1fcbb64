import http from 'node:http';
import { connect } from 'ari-client';

/**
 * The narrow slice of ari-client the adapter uses. ari-client builds its
 * operations at run time from the API description; declaring only what we call
 * keeps the adapter honest about its dependency and easy to replace.
 */
type Params = Record<string, unknown>;

export interface AriClientView {
  channels: {
    answer(params: Params): Promise<void>;
    play(params: Params): Promise<unknown>;
    startMoh(params: Params): Promise<void>;
    stopMoh(params: Params): Promise<void>;
    originate(params: Params): Promise<{ id: string }>;
    hold(params: Params): Promise<void>;
    unhold(params: Params): Promise<void>;
    snoopChannel(params: Params): Promise<{ id: string }>;
    record(params: Params): Promise<{ name: string }>;
    setChannelVar(params: Params): Promise<void>;
    getChannelVar(params: Params): Promise<{ value: string }>;
    continueInDialplan(params: Params): Promise<void>;
    hangup(params: Params): Promise<void>;
    list(): Promise<Array<{ id: string; state: string; caller?: { number?: string }; dialplan?: { exten?: string } }>>;
  };
  bridges: {
    create(params: Params): Promise<{ id: string }>;
    destroy(params: Params): Promise<void>;
    addChannel(params: Params): Promise<void>;
    removeChannel(params: Params): Promise<void>;
    list(): Promise<Array<{ id: string; channels: string[] }>>;
  };
  playbacks: { stop(params: Params): Promise<void> };
  recordings: { stop(params: Params): Promise<void> };
  applications: { get(params: Params): Promise<{ channel_ids: string[]; bridge_ids: string[] }> };
  start(app: string): Promise<void>;
  stop(): void;
  ping(): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  removeAllListeners(): void;
}

/**
 * ari-client's HTTP layer (swagger-client 2 over shred) ignores the error of a
 * request sent on a kept-alive socket the server has just closed, and its
 * promise then never settles. Asterisk closes idle HTTP sessions after 15 s,
 * so under load such races happen. ari-client takes no agent option; it uses
 * Node's global agent, which keeps sockets alive since Node 19. Nothing else in
 * Ringside uses the global agent (fetch, pg and ioredis have their own).
 */
const singleUseAgent = new http.Agent({ keepAlive: false });

function avoidKeptAliveSockets(): void {
  if (http.globalAgent !== singleUseAgent) http.globalAgent = singleUseAgent;
}

export async function connectAriClient(url: string, user: string, password: string): Promise<AriClientView> {
  avoidKeptAliveSockets();
  const client = await connect(url, user, password);
  // ari-client's published types describe the operations differently per call style; our view is the promise style it implements.
  return client as unknown as AriClientView;
}

/** ari-client keeps its WebSocket private; we need it only to cut a connection that stopped answering pings. */
export function terminateSocket(client: AriClientView): void {
  const socket = (client as unknown as { _ws?: { terminate?: () => void } })._ws;
  socket?.terminate?.();
}
