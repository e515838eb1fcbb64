import type { CallFlow } from './call-registry.js';
import type { CallSession } from './call-session.js';
import type { CallEvent } from './telephony.js';

export interface WelcomePrompts {
  welcome: string[];
  goodbye: string[];
}

const isKey = (channelId: string) => (event: CallEvent): event is Extract<CallEvent, { type: 'key.pressed' }> =>
  event.type === 'key.pressed' && event.channelId === channelId;

/**
 * The simplest complete call: answer, greet, take one key, say goodbye, hang
 * up. It stands in for the IVR until flows are configured from ivr-flows/.
 */
export class WelcomeFlow implements CallFlow {
  constructor(
    private readonly prompts: WelcomePrompts = { welcome: ['sound:hello-world'], goodbye: ['sound:vm-goodbye'] },
    private readonly keyTimeoutMs = 5000,
  ) {}

  async run(session: CallSession): Promise<void> {
    const { telephony, channelId, log } = session;
    await telephony.answer(channelId);
    log.info('answered');
    const welcome = await telephony.play(channelId, this.prompts.welcome);
    log.info({ media: this.prompts.welcome }, 'playing welcome');
    const welcomeEnd = await welcome.finished;
    if (session.ended) return;
    log.info({ state: welcomeEnd }, 'welcome finished');
    const key = await session.waitFor(isKey(channelId), this.keyTimeoutMs);
    log.info({ pressed: key !== null }, key ? 'key pressed' : 'no key pressed');
    const goodbye = await telephony.play(channelId, this.prompts.goodbye);
    await goodbye.finished;
    if (session.ended) return;
    log.info('goodbye played; hanging up');
    await session.hangup();
  }
}
