import { CallEndedError } from '../calls/call-session.js';
import { isKeyOf, type IvrRun, type KeyEvent } from './context.js';

/**
 * Plays prompts in the flow's current language. With barge-in, a key pressed
 * while they play stops them at once and is returned (a key typed ahead before
 * they started skips them entirely). Without barge-in, keys wait in the
 * type-ahead for the next step.
 */
export async function playPrompts(run: IvrRun, prompts: readonly string[], bargeIn: boolean): Promise<KeyEvent | null> {
  const { session } = run;
  if (prompts.length === 0) return null;
  if (bargeIn) {
    const typedAhead = await session.waitFor(isKeyOf(session.channelId), 0);
    if (typedAhead) return typedAhead;
  }
  const prompt = await session.telephony.play(session.channelId, [...prompts], { language: run.facts.language });
  if (!bargeIn) {
    await prompt.finished;
    return null;
  }
  const stopWaiting = new AbortController();
  // Swallowed here and re-raised below: whichever of the two loses the race must not reject unobserved.
  const key = session.waitFor(isKeyOf(session.channelId), undefined, stopWaiting.signal).catch(() => null);
  const first = await Promise.race([prompt.finished.then(() => null), key]);
  if (session.ended) throw new CallEndedError(session.channelId);
  if (first) {
    await prompt.stop().catch(() => undefined);
    return first;
  }
  stopWaiting.abort();
  return null;
}

/** Waits up to `seconds` for a key after the prompts have played. */
export function waitForKey(run: IvrRun, seconds: number): Promise<KeyEvent | null> {
  return run.session.waitFor(isKeyOf(run.session.channelId), seconds * 1000);
}
