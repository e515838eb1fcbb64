import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * Runs one of the agent's actions: marks the page busy, and on failure shows "<label> failed: <why>".
 * Resolves to whether it worked, so a form can close only on success.
 */
export type RunAction = (label: string, task: () => Promise<void>) => Promise<boolean>;

export const ActionContext = createContext<RunAction>(async (_label, task) => {
  await task();
  return true;
});

export const useRunAction = (): RunAction => useContext(ActionContext);
