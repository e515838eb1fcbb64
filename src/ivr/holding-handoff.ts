import type { QueueHandoff } from './context.js';

/**
 * Until the ACD takes queued calls, a queued caller waits on music on hold
 * (with its interaction marked with the queue) until they hang up.
 */
export class HoldingHandoff implements QueueHandoff {
  async enqueue(session: Parameters<QueueHandoff['enqueue']>[0], request: Parameters<QueueHandoff['enqueue']>[1]): Promise<void> {
    await session.telephony.startMusicOnHold(session.channelId);
    session.log.info({ queue: request.queue, priority: request.priority }, 'waiting in queue');
  }
}
