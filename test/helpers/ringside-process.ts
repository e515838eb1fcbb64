import type { ChildProcess } from 'node:child_process';
import type { Test } from 'tap';
import type { RunningSimulator } from '../../src/telephony/simulator/index.js';
import { startCli } from './cli.js';
import { waitUntil } from './telephony.js';

/** A real `ringside serve` child process, its output kept line by line. */
export interface RingsideProcess {
  readonly pid: number;
  /** Every complete output line so far (stdout and stderr, as received). */
  readonly lines: string[];
  /** How many lines match. */
  count(pattern: RegExp): number;
  /** Waits until `times` lines match; fails early if the process exits. */
  waitForLog(pattern: RegExp, times?: number, ms?: number): Promise<void>;
  /** Lines logged at error level or above (pino level ≥ 50). */
  errors(): string[];
  /** kill -9; resolves once the process is gone and the PBX has noticed its ARI application leave. */
  kill(): Promise<void>;
  exited(): boolean;
}

export interface StartOptions {
  /** The child's environment (on top of PATH and HOME); ARI_APP names the application to wait for. */
  env: Record<string, string>;
  simulator: RunningSimulator;
  timeoutMs?: number;
}

// Children still running if the test process exits without its teardowns: never leave one behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Loaded into the child before anything else: if the test process is killed outright (tap's timeout), the child is
 * re-parented, notices within half a second and kills itself, so no orphan keeps a PBX socket or a database busy.
 */
const ORPHAN_GUARD = `data:text/javascript,${encodeURIComponent(
  "const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL'); }, 500).unref();",
)}`;

const appConnected = (simulator: RunningSimulator, app: string) => simulator.control.stats().connectedApps.includes(app);

/**
 * Starts `ringside serve` and resolves once it listens and its ARI application is connected. It is killed at
 * teardown, also when the test fails (its last lines are then shown).
 */
export async function startRingside(t: Test, { env, simulator, timeoutMs = 30_000 }: StartOptions): Promise<RingsideProcess> {
  const app = env.ARI_APP ?? 'ringside';
  const child = startCli(['serve'], { HTTP_PORT: '0', LOG_LEVEL: 'info', NODE_OPTIONS: `--import=${ORPHAN_GUARD}`, ...env });
  running.add(child);
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line !== ''));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let gone = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      running.delete(child);
      resolve();
    }),
  );

  const count = (pattern: RegExp) => lines.reduce((n, line) => (pattern.test(line) ? n + 1 : n), 0);
  const proc: RingsideProcess = {
    pid: child.pid ?? -1,
    lines,
    count,
    async waitForLog(pattern, times = 1, ms = 20_000) {
      await waitUntil(() => count(pattern) >= times || gone, ms, `${times} log lines matching ${pattern} (saw ${count(pattern)})`);
      if (count(pattern) < times) throw new Error(`ringside exited before logging ${pattern}:\n${lines.slice(-20).join('\n')}`);
    },
    errors: () => lines.filter((line) => /"level":(5|6)\d/.test(line)),
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exit;
      await waitUntil(() => !appConnected(simulator, app), 5000, `the PBX to notice ${app} is gone`);
    },
    exited: () => gone,
  };
  t.teardown(async () => {
    if (!t.passing()) t.comment(`last lines of ringside ${app} (pid ${proc.pid}):\n${lines.slice(-30).join('\n')}`);
    if (!gone) child.kill('SIGKILL');
    await exit;
  });

  await waitUntil(() => gone || (count(/"msg":"ringside listening"/) > 0 && appConnected(simulator, app)), timeoutMs, `ringside ${app} to listen and connect`);
  if (gone) throw new Error(`ringside ${app} exited during start:\n${lines.join('\n')}`);
  return proc;
}
