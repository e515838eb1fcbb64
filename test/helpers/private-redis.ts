import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Test } from 'tap';

/** A redis-server of one test's own, on its own port: it can be killed and started again, which the shared one cannot. */
export interface PrivateRedis {
  readonly url: string;
  /** kill -9: whatever it had not written to disk is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (an AOF it wrote is read back). */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * `persistence: 'aof'` is what the README recommends for production (append-only file, fsync on every write);
 * `'none'` is a Redis that comes back empty after a restart.
 */
export async function startPrivateRedis(t: Test, { persistence }: { persistence: 'aof' | 'none' }): Promise<PrivateRedis> {
  const port = await freePort();
  // Not t.testdir(): another fixture of the same test would replace it, AOF and all.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', ''];
  args.push(...(persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) =>
      started.once('error', (error) => reject(new Error(`could not start redis-server (apt-get install redis-server): ${error.message}`))),
    );
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await Promise.race([answers(url), failed]))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with code ${started.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  t.teardown(async () => {
    await kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { url, kill, start };
}
