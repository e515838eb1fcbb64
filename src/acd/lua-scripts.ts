import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/paths.js';
import type { Redis } from '../redis/client.js';

/**
 * The ACD's Lua scripts, one file each (see EXAMPLES.md, BullMQ). Read from the project root rather than
 * beside this module so that the compiled code in dist/ finds them without a copy step.
 * `-- @include "name"` lines are replaced by `lua/includes/name.lua`: the state machine lives once.
 */
const LUA_DIR = path.join(projectRoot(), 'src', 'acd', 'lua');

/** Script file (without `.lua`) → the ioredis command it becomes. The key count is read from the name. */
export const SCRIPTS = {
  acdEnqueueCall: 'enqueue-call-2',
  acdRemoveCall: 'remove-call-1',
  acdRequeueAtFront: 'requeue-at-front-1',
  acdAgentTransition: 'agent-transition-1',
  acdAssignForCall: 'assign-for-call-1',
  acdAssignForAgent: 'assign-for-agent-1',
  acdFreeAgent: 'free-agent-1',
  acdUpdateCall: 'update-call-1',
  acdResetCallsToday: 'reset-calls-today-1',
  acdRecordHandleTime: 'record-handle-time-1',
  acdRestoreAgent: 'restore-agent-1',
  wallboardTrackWaiting: 'wallboard-track-waiting-1',
  wallboardOldestWaiting: 'wallboard-oldest-waiting-1',
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type ScriptCommand = (...args: (string | number)[]) => Promise<string | number | null>;

function readScript(file: string): string {
  const text = fs.readFileSync(path.join(LUA_DIR, `${file}.lua`), 'utf8');
  return text.replace(/^-- @include "([\w-]+)"$/gm, (_line, name: string) =>
    fs.readFileSync(path.join(LUA_DIR, 'includes', `${name}.lua`), 'utf8'),
  );
}

let sources: Map<ScriptName, { lua: string; numberOfKeys: number }> | undefined;

function loadSources(): Map<ScriptName, { lua: string; numberOfKeys: number }> {
  sources ??= new Map(
    (Object.entries(SCRIPTS) as [ScriptName, string][]).map(([name, file]) => [
      name,
      { lua: readScript(file), numberOfKeys: Number(/-(\d+)$/.exec(file)?.[1]) },
    ]),
  );
  return sources;
}

const defined = new WeakSet<Redis>();

/** Defines the scripts on a connection once; ioredis then runs them by EVALSHA and prefixes their KEYS. */
export function defineAcdScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, definition] of loadSources()) redis.defineCommand(name, definition);
  defined.add(redis);
}

/** ioredis adds defined commands to the instance at run time; its types cannot know them. */
export function runScript(redis: Redis, name: ScriptName, keys: string[], args: (string | number)[]): Promise<string | number | null> {
  const command = (redis as unknown as Record<ScriptName, ScriptCommand>)[name];
  return command.call(redis, ...keys, ...args);
}
