// The `hvbench` command line (bin/hvbench.js is the entry point). Each command lives in
// scripts/commands/; this file wires them and owns the exit codes: 0 ok, 1 a regression or a failed run,
// 2 bad input (one line on stderr, no stack trace).
import { Command, CommanderError, Help, type Option } from 'commander';
import { UsageError } from '../harness/errors.ts';
import { TOOL_VERSION } from '../harness/version.ts';
import { runCommand } from './commands/run.ts';
import { listCommand } from './commands/list.ts';
import { reportCommand } from './commands/report.ts';
import { compareCommand } from './commands/compare.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { validateCommand } from './commands/validate.ts';
import { labCommand } from './commands/lab.ts';
import { explainCommand } from './commands/explain.ts';
import { mergeCommand } from './commands/merge.ts';

/**
 * commander's own errors (an unknown option, a missing argument) in the style of every other bad input: one
 * line, `hvbench: …`, with its suggestion on the same line — `error: unknown option '--wrkloads'\n(Did you mean
 * --workloads?)` becomes `hvbench: unknown option '--wrkloads' (did you mean --workloads?); hvbench run --help
 * lists the options`.
 */
export function oneLineError(message: string, commandPath: string): string {
  const text = message
    .replace(/^error: /, '')
    .replace(/\s*\(Did you mean/g, ' (did you mean')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  return `hvbench: ${text}; ${commandPath} --help lists the options\n`;
}

/** `hvbench lab setup` for a nested command */
function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/**
 * An option's help text with commander's "(default: …)" only where it tells something: not for a flag that is
 * off unless given (false), a repeatable option that starts empty ([]), or an option whose description already
 * states its default in words ("(default: all built-in)").
 */
export function optionHelp(option: Option): string {
  const d: unknown = option.defaultValue;
  const said = d === false || (Array.isArray(d) && d.length === 0) || /\(default\b/.test(option.description);
  return said ? option.description : Help.prototype.optionDescription.call(new Help(), option);
}

/** one-line errors, exit codes and help of our own on `command` and every command under it */
function oneLineErrors(command: Command): Command {
  for (const sub of command.commands) oneLineErrors(sub);
  return command
    .configureOutput({ outputError: (message, write) => write(oneLineError(message, commandPath(command))) })
    .configureHelp({ optionDescription: optionHelp })
    .exitOverride();
}

export function buildProgram(): Command {
  const program = oneLineErrors(
    new Command('hvbench').description('Side-by-side Xen (paravirtual) vs KVM (hardware-assisted) virtualization benchmarks').version(TOOL_VERSION),
  );
  for (const command of [runCommand(), listCommand(), reportCommand(), compareCommand(), calibrateCommand(), validateCommand(), labCommand(), explainCommand(), mergeCommand()]) {
    program.addCommand(oneLineErrors(command));
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
