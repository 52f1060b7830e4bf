// `hvbench run`: the suite on the chosen engines and workloads, then every output written atomically into
// --out and a summary table on stdout. A failed pair (an engine that threw, broke the counters contract, ended
// its worker or outlived --timeout) does not discard the others: every run is written, the failed ones with
// their error and zero counters (report.html, summary.md and results.csv list them), each failure is one line
// on stderr, and the exit code is 1. Ctrl-C at any point before the output directory is swapped stops the run:
// exit 130, the previous output untouched.
import { Command, Option } from 'commander';
import { DEFAULT_PROFILE } from '../../engines/machine/profiles/index.ts';
import { splitEngineList } from '../../harness/engine-specs.ts';
import { createProgress } from '../../harness/progress.ts';
import { defaultWorkerCount } from '../../harness/pool.ts';
import { collect, commaList, parseCsvFormat, parseSeconds, parseSeed, parseWorkers, type CsvFormat } from './options.ts';
import { UsageError } from '../../harness/errors.ts';
import { parseShard, type Shard } from '../../harness/shard.ts';
import { parseSweep, type SweepFlag } from '../../harness/sweep.ts';
import { parseSeeds } from '../../harness/seeds.ts';

export const DEFAULT_ENGINES = 'native,xen,kvm,xen:mode=hvm';
/** per pair, timing included: the slowest built-in simulated pair takes seconds; a measured kvm-host pair boots
 *  its guest six times (counters, two warm-ups, three samples), each under its own 60 s watchdog */
export const DEFAULT_TIMEOUT_SECONDS = 300;

interface RunOptions {
  engines: string;
  workloads: string[];
  workloadFile: string[];
  powerFile: string[];
  engineModule: string[];
  profile: string;
  seed: number;
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
  json: boolean;
  timing: boolean;
  workers: number;
  timeout: number;
  shard?: Shard;
  sweep: SweepFlag[];
  seeds?: number[];
  csvFormat: CsvFormat;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run workloads on engines and write results.json, CSV, Markdown, PNG charts and report.html')
    .option('--engines <list>', 'engines with options, e.g. native,xen,kvm:mmu=shadow,io=emulated (native is always included)', DEFAULT_ENGINES)
    .option('--workloads <list>', 'workload ids or categories, comma-separated (default: all built-in)', commaList, [])
    .option('--workload-file <file>', 'a user workload JSON file (repeatable); alone, runs just the files', collect, [])
    .option('--power-file <file>', 'a user power scenario JSON file (repeatable), run in the power model beside the power/ scenarios selected', collect, [])
    .option('--engine-module <file>', 'load a third-party engine module (repeatable)', collect, [])
    .option('--profile <name>', 'cost profile (hvbench list shows them)', DEFAULT_PROFILE)
    .option('--seed <n>', 'seed of every generator', parseSeed, 1)
    .option('--seeds <list>', 'run the suite once per seed (1..10 or 1,4,9) and report each metric\'s mean and 95 % interval over them', parseSeeds)
    .option('--sweep <scan>', 'a parameter scan engine:option=v1,v2,…, one engine column per value, e.g. xen:batch=8,16,32,64 (repeatable: a product per engine); ' +
      'replaces the default engines unless --engines is given', (value: string, previous: SweepFlag[]) => [...previous, parseSweep(value)], [])
    .option('--out <dir>', 'output directory (replaced atomically)', 'results')
    .option('--no-html', 'skip report.html')
    .option('--no-png', 'skip charts/*.png')
    .option('--csv-format <format>', 'wide: results.csv, one row per run; long: also results-long.csv, one row per run and metric', parseCsvFormat, 'wide')
    .option('--no-timing', 'skip wall-clock timing (counters only; faster)')
    .option('--workers <n>', 'worker threads, at most one per CPU (more is clamped to that)', parseWorkers(defaultWorkerCount()), defaultWorkerCount())
    .addOption(new Option('--timeout <seconds>', 'a pair still running after this long fails and its worker thread is stopped')
      .argParser(parseSeconds('--timeout')).default(DEFAULT_TIMEOUT_SECONDS * 1000, String(DEFAULT_TIMEOUT_SECONDS)))
    .option('--shard <i/n>', 'run the i-th of n slices of the workloads (the power section with 1/n); hvbench merge joins the slices', parseShard)
    .option('--quiet', 'no progress and no table', false)
    .option('--json', 'print results.json on stdout and write no files (progress stays on stderr)', false)
    .action(async function (this: Command, opts: RunOptions) {
      if (opts.out === '-') throw new UsageError('--out -: results go to a directory; use --json to print results.json on stdout');
      if (opts.json && this.getOptionValueSource('out') === 'cli') throw new UsageError('--json prints results.json on stdout and writes no files: give --json or --out, not both');
      if (opts.seeds && this.getOptionValueSource('seed') === 'cli') throw new UsageError('--seed runs one seed, --seeds several: give one of them');
      // a scan's columns stand beside native alone unless other engines are asked for
      const engines = opts.sweep.length > 0 && this.getOptionValueSource('engines') !== 'cli' ? ['native'] : splitEngineList(opts.engines);
      // the suite, the engines and the renderers load only once the options are valid (scripts/cli.ts)
      const [{ runSuite }, { writeAllOutputs }, { checkOutputDir, resultsJson }] = await Promise.all([
        import('../../harness/suite.ts'),
        import('./outputs.ts'),
        import('../../reports/write-outputs.ts'),
      ]);
      const abort = new AbortController();
      // every Ctrl-C, not just the first, is ours until the command returns: a second one must not kill the
      // process half-way through leaving the previous output as it was
      const onSigint = () => abort.abort(new Error('interrupted'));
      process.on('SIGINT', onSigint);
      // stdout carries the table only: what plugin code prints on this thread (at import, in availability())
      // goes to stderr until the suite has run, like what it prints in a worker
      const stdoutWrite = process.stdout.write;
      process.stdout.write = process.stderr.write.bind(process.stderr) as typeof stdoutWrite;
      try {
        // a --out that cannot be written is refused now, not after the suite ran
        if (!opts.json) await checkOutputDir(opts.out);
        const results = await runSuite({
          engines,
          sweeps: opts.sweep,
          ...(opts.seeds ? { seeds: opts.seeds } : {}),
          workloads: opts.workloads,
          workloadFiles: opts.workloadFile,
          powerFiles: opts.powerFile,
          engineModules: opts.engineModule,
          profile: opts.profile,
          seed: opts.seeds ? opts.seeds[0] : opts.seed,
          workers: opts.workers,
          timeoutMs: opts.timeout,
          timing: opts.timing,
          shard: opts.shard,
          progress: createProgress({ quiet: opts.quiet }),
          signal: abort.signal,
          note: (line) => process.stderr.write(`hvbench: note: ${line}\n`),
          // printed under --quiet too: --quiet drops progress and the table, and a quiet job is where timings
          // that mean nothing would reach results.json, and a compare gate, unseen
          warn: (line) => process.stderr.write(`hvbench: warning: ${line}\n`),
        });
        process.stdout.write = stdoutWrite;
        if (opts.json) process.stdout.write(resultsJson(results));
        else await writeAllOutputs(results, opts.out, { html: opts.html, png: opts.png, quiet: opts.quiet, csvFormat: opts.csvFormat, signal: abort.signal });
        const failed = results.runs.filter((r) => r.error);
        for (const r of failed) process.stderr.write(`hvbench: ${r.workload} × ${r.engine} failed: ${r.error}\n`);
        if (failed.length > 0) process.exitCode = 1;
      } catch (err) {
        if (abort.signal.aborted) {
          process.stderr.write('hvbench: interrupted; nothing was written\n');
          process.exitCode = 130;
          return;
        }
        throw err;
      } finally {
        process.stdout.write = stdoutWrite;
        process.off('SIGINT', onSigint);
      }
    });
}
