// The `compare` subcommand: `hvbench compare BASE.json HEAD.json [options]` (docs/ci.md).
// Contract with the CLI top level (bin/hvbench.js): bad input throws UsageError out of parseAsync — the
// top level prints its one-line message and exits 2; otherwise the action reports 0 or 1 through
// `setExitCode` (by default process.exitCode). It never calls process.exit itself. Option values are
// validated by runCompare (UsageError), not by commander's `.choices()`, whose own error would exit 1.
import { Command } from 'commander';
import type { CompareIO } from '../../harness/compare/run.ts';
import { BENCHMARK_ACTION_FORMAT, DEFAULT_THRESHOLD_PCT, FAIL_ON, FORMATS } from '../../harness/compare/choices.ts';

export interface CompareCommandIO extends CompareIO {
  setExitCode(code: 0 | 1): void;
}

const processIO: CompareCommandIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function compareCommand(io: CompareCommandIO = processIO): Command {
  return new Command('compare')
    .description('compare two results files and give a CI verdict (exit 0 no regression, 1 regression, 2 bad input)')
    .argument('<base>', 'results file of the baseline (e.g. the main branch)')
    .argument('<head>', 'results file of the change')
    .option('--threshold <pct>', `allowed worsening of every judged metric, percent (overheadPct and power fairness: points)`, String(DEFAULT_THRESHOLD_PCT))
    .option(
      '--metric <list>',
      'judge exactly these metrics, each NAME[=PCT]: a counter (exits.total), a group (exits.*, power.*), counters (every deterministic counter and power metric), timing.meanMs, or *; repeatable',
      collect,
    )
    .option('--format <format>', `report format: ${FORMATS.join(' | ')}`, 'text')
    .option('--out <file>', 'write the report to FILE (atomically) and print only the verdict')
    .option('--fail-on <when>', `what makes the exit code 1: ${FAIL_ON.join(' | ')}`, 'regression')
    .option('--force', 'compare files with different profiles or seeds, and judge timings from different hosts')
    .option('--export <format-and-file...>', `also write HEAD for another tool: --export ${BENCHMARK_ACTION_FORMAT} FILE (customSmallerIsBetter JSON; bigger-is-better power metrics left out)`)
    .action(async (base: string, head: string, opts: { threshold: string; metric?: string[]; format: string; out?: string; failOn: string; force?: boolean; export?: string[] }) => {
      const { runCompare } = await import('../../harness/compare/run.ts');
      io.setExitCode(await runCompare({ base, head, ...opts }, io));
    });
}
