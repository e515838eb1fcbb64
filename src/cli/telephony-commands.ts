import fs from 'node:fs/promises';
import closeWithGrace from 'close-with-grace';
import type { Config } from '../config/env.js';
import type { DemoOptions } from '../demo/run-demo.js';
import type { EndpointBehaviour } from '../telephony/simulator/index.js';

// The demo and the simulator are loaded only by their own commands, so `ringside serve` never loads simulator code.

export async function demoCommand(config: Config, options: DemoOptions): Promise<void> {
  const { runDemo } = await import('../demo/run-demo.js');
  await runDemo(config, options);
}

export interface SimulatorCommandOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  apps: string;
  agents: string;
  scenario?: string;
}

/** A problem with what the user gave on the command line: one line, no stack. */
export class CliInputError extends Error {}

const listOf = (value: string): string[] => value.split(',').map((item) => item.trim()).filter((item) => item !== '');

async function readScenario(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new CliInputError(`cannot read scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  }
}

export async function simulatorCommand(options: SimulatorCommandOptions): Promise<void> {
  const scenario = options.scenario === undefined ? undefined : await readScenario(options.scenario);
  const endpoints: Record<string, EndpointBehaviour> = {};
  for (const endpoint of listOf(options.agents)) endpoints[endpoint] = { behaviour: 'answer', answerAfterMs: 2000 };
  const { startSimulator } = await import('../telephony/simulator/index.js');
  const simulator = await startSimulator({
    host: options.host,
    port: options.port,
    users: { [options.user]: options.password },
    dialplanApps: listOf(options.apps),
    endpoints,
  });
  console.log(`PBX simulator listening on ${simulator.url} (ARI at ${simulator.url}/ari, control API at ${simulator.url}/simulator)`);
  if (scenario !== undefined) {
    await simulator.control.runScenario(scenario);
    console.log(`scenario ${options.scenario} scheduled`);
  }
  closeWithGrace({ delay: 5000 }, async () => {
    await simulator.close();
  });
}
