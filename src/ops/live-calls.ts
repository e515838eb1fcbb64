import { AriRest } from '../telephony/ari/ari-rest.js';

/** The ids of every channel up in Asterisk now: the calls an audit counts as still in progress. */
export async function liveCallIds(ari: { url: string; user: string; password: string }): Promise<Set<string>> {
  const rest = new AriRest({ ...ari, connections: 1 });
  try {
    const channels = await rest.request<{ id: string }[]>('GET', '/channels', undefined, undefined, AbortSignal.timeout(5_000));
    return new Set(channels.map((channel) => channel.id));
  } finally {
    await rest.close();
  }
}
