import type { IvrRun, StepExecutor, StepResult } from './context.js';
import type { Step, StepKind } from './schema.js';
import { executeCollect } from './steps/collect.js';
import { executeBranch, executeHours, executeSet } from './steps/decisions.js';
import { executeHangup, executeQueue, executeTransfer, executeVoicemail } from './steps/endings.js';
import { executeLookup } from './steps/lookup.js';
import { executeMenu } from './steps/menu.js';
import { executePlay } from './steps/play.js';

const EXECUTORS: { [K in StepKind]: StepExecutor<Extract<Step, { type: K }>> } = {
  play: executePlay,
  menu: executeMenu,
  collect: executeCollect,
  lookup: executeLookup,
  branch: executeBranch,
  hours: executeHours,
  set: executeSet,
  queue: executeQueue,
  voicemail: executeVoicemail,
  transfer: executeTransfer,
  hangup: executeHangup,
};

/** Validated flows cannot loop without input, but a caller can keep choosing forever; this bounds one call. */
const MAX_STEPS_PER_CALL = 300;

function execute(run: IvrRun, step: Step): Promise<StepResult> {
  // The table above pairs each kind with its executor; TypeScript cannot follow the pairing through the index.
  const executor = EXECUTORS[step.type] as StepExecutor<Step>;
  return executor(run, step);
}

/**
 * Walks a flow step by step for one call, writing each step on the IVR path
 * (entered when, how long, the caller's input, what came of it).
 */
export async function runIvr(run: IvrRun): Promise<void> {
  const { session, deps } = run;
  let stepId = run.flow.start;
  for (let count = 0; count < MAX_STEPS_PER_CALL; count++) {
    const step = run.flow.steps[stepId];
    if (!step) throw new Error(`flow ${run.flow.name} has no step ${stepId}`);
    run.currentStep = stepId;
    const entered = deps.now();
    const result = await execute(run, step);
    void deps.recorder.step(session.channelId, {
      step: stepId,
      type: step.type,
      at: entered.toISOString(),
      ms: deps.now().getTime() - entered.getTime(),
      ...(result.input !== undefined ? { input: result.input } : {}),
      ...(result.result !== undefined ? { result: result.result } : {}),
    });
    session.log.info({ flow: run.flow.name, step: stepId, type: step.type, result: result.result }, 'ivr step');
    if ('done' in result) return;
    stepId = result.next;
  }
  throw new Error(`flow ${run.flow.name} ran ${MAX_STEPS_PER_CALL} steps without ending`);
}
