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
