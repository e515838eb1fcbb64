import type { StepExecutor } from '../context.js';
import { playPrompts } from '../prompts.js';
import type { StepOf } from '../schema.js';
import type { CallEvent } from '../../calls/telephony.js';

/** Hands the call to routing with everything the IVR learnt about it. */
export const executeQueue: StepExecutor<StepOf<'queue'>> = async (run, step) => {
  const { facts, session } = run;
  const attributes = {
    language: facts.language,
    tags: [...facts.tags],
    vars: facts.vars,
    customerId: facts.customer?.id ?? null,
    match: facts.match,
    callerIdKind: facts.callerIdKind,
    priority: step.priority ?? 0,
    skills: step.skills ?? [],
  };
  run.outcome = { outcome: 'abandoned', detail: `queue:${step.queue}` };
  void run.deps.recorder.queued(session.channelId, step.queue, attributes);
  session.handedOff = true;
  await run.deps.handoff.enqueue(session, { queue: step.queue, priority: step.priority ?? 0, skills: step.skills ?? [], attributes, facts }, (outcome, detail) => {
    run.outcome = { outcome, detail };
  });
  return { done: true, result: `queued to ${step.queue}` };
};

const VOICEMAIL_GRACE_SECONDS = 5;

const recordingOf = (channelId: string) => (event: CallEvent): event is Extract<CallEvent, { type: 'recording.finished' }> =>
  event.type === 'recording.finished' && event.channelId === channelId;

/** Beep, record up to the maximum, keep the recording on the interaction. */
export const executeVoicemail: StepExecutor<StepOf<'voicemail'>> = async (run, step) => {
  const { session } = run;
  if (step.prompts) await playPrompts(run, step.prompts, false);
  session.clearTypeAhead();
  const name = `vm-${session.channelId.replace(/[^A-Za-z0-9_-]/g, '-')}-${Date.now()}`;
  await session.telephony.record(session.channelId, { name, format: 'wav', maxDurationSeconds: step.maxSeconds, beep: true, terminateOn: '#' });
  run.outcome = { outcome: 'voicemail', detail: name };
  void run.deps.recorder.recording(session.channelId, name);
  const finished = await session.waitFor(recordingOf(session.channelId), (step.maxSeconds + VOICEMAIL_GRACE_SECONDS) * 1000);
  return { next: step.next, result: finished ? `recorded ${finished.durationSeconds ?? '?'} s` : 'recording did not report its end' };
};

/** To another flow (continues there) or to an external number through the dialplan. */
export const executeTransfer: StepExecutor<StepOf<'transfer'>> = async (run, step) => {
  if (step.prompts) await playPrompts(run, step.prompts, false);
  if (step.flow) {
    const target = run.deps.flowByName(step.flow);
    if (!target) throw new Error(`transfer to unknown flow ${step.flow}`);
    run.flow = target;
    return { next: target.start, result: `to flow ${step.flow}` };
  }
  run.outcome = { outcome: 'transferred', detail: 'external number' };
  await run.session.continueInDialplan(run.deps.transferContext, step.number);
  return { done: true, result: 'to an external number' };
};

export const executeHangup: StepExecutor<StepOf<'hangup'>> = async (run, step) => {
  if (step.prompts) await playPrompts(run, step.prompts, false);
  run.outcome ??= { outcome: 'completed', detail: `ivr:${run.currentStep}` };
  await run.session.hangup();
  return { done: true, result: 'hung up' };
};

