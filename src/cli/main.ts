#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config/env.js';
import { RingsideError } from '../errors.js';
import { ImportFileError } from '../import/import-customers.js';
import { auditCommand, type AuditCommandOptions } from './audit-command.js';
import { checkCommand } from './check-command.js';
import { importCommand, migrateCommand, seedCommand, serveCommand } from './commands.js';
import { CliInputError, demoCommand, simulatorCommand } from './telephony-commands.js';
import { registerUsersCommands } from './users-command.js';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return Number(value);
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function boundedInteger(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a TCP port number (0-65535)');
  return Number(value);
}

function ratePerMinute(value: string): number {
  const rate = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || rate <= 0 || rate > 600) throw new InvalidArgumentError('expected calls per minute, more than 0 and at most 600');
  return rate;
}

/** Expected failures print one line; anything else is a bug and shows its stack. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof ImportFileError || error instanceof CliInputError || error instanceof RingsideError) {
    console.error(`ringside: ${error.message}`);
  } else if (error instanceof Error && (error.name === 'SimulatorError' || error.name === 'FlowValidationError')) {
    console.error(`ringside: ${error.message}`);
  } else if (error instanceof Error && /EADDRINUSE/.test(error.message)) {
    console.error(`ringside: ${error.message}: the port is taken; choose another with --port / --simulator-port`);
  } else if (error instanceof Error && /ECONNREFUSED|ENOTFOUND|password authentication|does not exist|already holds/.test(error.message)) {
    console.error(`ringside: ${error.message}`);
  } else {
    console.error('ringside: unexpected error:', error);
  }
  process.exit(1);
}

const run =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      fail(error);
    }
  };

const program = new Command()
  .name('ringside')
  .description('Ringside contact-center server')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(`ringside: ${text.replace(/^error: /, '')}`) });

program
  .command('serve')
  .description('run Ringside: REST API and operations endpoints (migrates the database first)')
  .action(run(async () => serveCommand(loadConfig())));

program
  .command('demo')
  .description('the whole product on one machine without Asterisk: PBX simulator, synthetic callers, simulated agent phones')
  .option('--calls-per-minute <n>', 'synthetic callers per minute', ratePerMinute, 6)
  .option('--customers <n>', 'customers to seed when the CRM is empty', positiveInteger, 2000)
  .option('--simulator-port <n>', 'port of the PBX simulator (0 = any free port)', port, 0)
  .action(run(async (options: { callsPerMinute: number; customers: number; simulatorPort: number }) => demoCommand(loadConfig(), options)));

program
  .command('simulator')
  .description('the PBX simulator alone: ARI (REST + WebSocket) plus a control API to place calls, press keys, answer or hang up phones')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'port (0 = any free port)', port, 8088)
  .option('--user <name>', 'ARI user', 'ringside')
  .option('--password <password>', 'ARI password', 'ringside')
  .option('--apps <names>', 'Stasis applications the dialplan tries in order, comma-separated', 'ringside')
  .option('--agents <endpoints>', 'agent phones that answer after 2 s, comma-separated', 'PJSIP/1001,PJSIP/1002,PJSIP/1003,PJSIP/1004')
  .option('--scenario <file>', 'run a scenario file once started')
  .action(
    run(async (options: { host: string; port: number; user: string; password: string; apps: string; agents: string; scenario?: string }) =>
      simulatorCommand(options),
    ),
  );

program
  .command('migrate')
  .description('create the database if needed and apply pending schema migrations')
  .action(run(async () => migrateCommand(loadConfig())));

program
  .command('seed')
  .description('fill an empty CRM with deterministic synthetic customers, tickets, orders and call history')
  .option('--customers <n>', 'number of customers', positiveInteger, 10_000)
  .option('--seed <n>', 'random seed: the same seed gives the same data', wholeNumber, 42)
  .option('--reset', 'delete existing CRM data first', false)
  .option('--history-days <n>', 'also past days of queued calls for reports (1-400), ending yesterday', boundedInteger(1, 400))
  .option('--calls-per-day <n>', 'calls per day of that history (1-1000000)', boundedInteger(1, 1_000_000))
  .action(
    run(async (options: { customers: number; seed: number; reset: boolean; historyDays?: number; callsPerDay?: number }) => {
      if (options.callsPerDay !== undefined && options.historyDays === undefined) throw new CliInputError('--calls-per-day needs --history-days');
      await seedCommand(loadConfig(), options);
    }),
  );

program
  .command('import')
  .description('import customers from a CSV file (upsert by external_id; bad rows reported and skipped)')
  .argument('<file>', 'CSV with a header: external_id,name,company,tier,segment,lifetime_value,preferred_language,do_not_call,birthday,notes,phones')
  .action(run(async (file: string) => importCommand(loadConfig(), file)));

program
  .command('check')
  .description('validate the IVR flows (and routing rules); prints file: path: reason per problem, exit 1 on any error')
  .option('--flows <dir>', 'IVR flow directory', 'ivr-flows')
  .option('--rules <dir>', 'routing rules directory', 'routing-rules')
  .action(
    run(async (options: { flows: string; rules: string }) => {
      process.exitCode = await checkCommand(options);
    }),
  );

program
  .command('audit')
  .description('the accounting identity: every call since a time has exactly one final outcome or is still up in Asterisk (exit 2 if not)')
  .requiredOption('--since <time>', 'a duration before now (30m, 24h, 7d), "today", a date or a time (center time unless an offset is given)')
  .option('--until <time>', 'end of the range, the same forms (default: now)')
  .option('--json', 'print the audit as one JSON object', false)
  .option('--no-live-check', 'do not ask Asterisk which calls are still up (open records then count as unaccounted)')
  .action(run(async (options: AuditCommandOptions) => auditCommand(loadConfig(), options)));

registerUsersCommands(program, run);

await program.parseAsync(process.argv);
