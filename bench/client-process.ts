import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A benchmark's clients in a process of their own, driven over the IPC channel: each request gets one reply with its id. */
export interface ClientProcess<Request, Reply> {
  child: ChildProcess;
  request(message: Request): Promise<Reply>;
}

/**
 * Forks `<name>.ts` (or `.js` once built) beside this file with the same Node flags. Replies of type `error` reject;
 * messages without an id of a pending request (a push, e.g. a batch of pops) go to `onPush`.
 */
export function forkClients<Request extends object, Reply extends { type: string }>(name: string, onPush?: (message: Reply) => void): ClientProcess<Request, Reply> {
  const here = fileURLToPath(import.meta.url);
  const child = fork(path.join(path.dirname(here), `${name}${path.extname(here)}`), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  child.on('message', (message: Reply & { id?: number; message?: string }) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return onPush?.(message);
    pending.delete(message.id!);
    if (message.type === 'error') waiter.reject(new Error(`${name}: ${message.message ?? 'failed'}`));
    else waiter.resolve(message);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} process exited (${code})`));
    pending.clear();
  });
  return {
    child,
    request: (message) =>
      new Promise<Reply>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ ...message, id });
      }),
  };
}
