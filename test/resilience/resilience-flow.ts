import { eventually, type AcdSite } from '../helpers/acd-site.js';

/**
 * The flow the resilience tests call: a menu first (the IVR stage), 1 to the support queue, 9 to a goodbye
 * that the IVR completes itself. The prompt is long enough for a test to act while the caller is in it.
 */
export const MENU_FLOW = `name: menu-line
default: true
start: menu
steps:
  menu:
    type: menu
    prompts: ['sound:ringside/welcome']
    options: { '1': support, '9': goodbye }
    timeout: 30
    fallback: support
  support: { type: queue, queue: support }
  goodbye: { type: hangup, prompts: ['sound:goodbye'] }
`;

/** Callers of an ACD site on MENU_FLOW: one left in the menu, or one who pressed 1 and is queued; and agents' states. */
export function menuCallers(site: AcdSite) {
  const { control } = site.simulator;
  const status = async (agentId: string) => (await site.store.getAgent(agentId))?.status;
  const inMenu = (callId: string) => eventually(async () => (control.callState(callId)?.playing ?? null) !== null, 10_000, 'the menu');
  const toQueue = async (from: string) => {
    const { channelId } = await control.placeCall({ from, to: '800' });
    await inMenu(channelId);
    await control.pressKeys(channelId, '1');
    await eventually(async () => site.events.some((event) => event.type === 'call.queued' && event.callId === channelId), 10_000, `${channelId} queued`);
    return channelId;
  };
  return { status, inMenu, toQueue };
}
