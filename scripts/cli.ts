// The `hvbench` command line (scripts/hvbench.ts is the entry point). Each command lives in
// scripts/commands/; this file wires them and owns the exit codes: 0 ok, 1 a regression or a failed run,
// 2 bad input (one line on stderr, no stack trace).
import { Command, CommanderError } from 'commander';
import { UsageError } from '../harness/errors.ts';
import { TOOL_VERSION } from '../harness/version.ts';
import { runCommand } from './commands/run.ts';
import { listCommand } from './commands/list.ts';
import { reportCommand } from './commands/report.ts';
import { compareCommand } from './commands/compare.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { validateCommand } from './commands/validate.ts';
import { labCommand } from './commands/lab.ts';

export function buildProgram(): Command {
  const program = new Command('hvbench')
    .description('Side-by-side Xen (paravirtual) vs KVM (hardware-assisted) virtualization benchmarks')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run hvbench --help for usage)')
    .exitOverride();
  for (const command of [runCommand(), listCommand(), reportCommand(), compareCommand(), calibrateCommand(), validateCommand(), labCommand()]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the message (or the help / version text)
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`hvbench: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`hvbench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
