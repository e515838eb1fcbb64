import type { Talk, TalkState } from '../acd/conversations.js';
import type { CallView } from './schemas.js';

/** What the agent's console shows of their conversation (pushed as `call.update`, answered by call controls). */
export function callViewOf(talk: Talk, state: TalkState, now = Date.now()): CallView {
  const { consult } = talk;
  return {
    callId: talk.session.channelId,
    state: state !== 'ended' && consult ? 'consulting' : state,
    since: now,
    answeredAt: talk.answeredAt,
    consult: consult && state !== 'ended' ? { agentId: consult.agentId, displayName: consult.displayName, state: consult.state } : null,
  };
}
