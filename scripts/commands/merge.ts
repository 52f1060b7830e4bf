// `hvbench merge A.json B.json … [--out DIR]`: the results of the shards of one suite (`run --shard i/n` on
// several CI runners) joined into one results file (harness/merge.ts), and every output rendered from it as
// `hvbench report` does.
import { Command } from 'commander';
import { parseCsvFormat, type CsvFormat } from './options.ts';

interface MergeOptions {
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
  csvFormat: CsvFormat;
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('join the results of the shards of one suite (run --shard i/n) into one results file and render every output from it')
    .argument('<results...>', 'results.json of each shard, shard 1 first')
    .option('--out <dir>', 'output directory (replaced atomically)', 'results')
    .option('--no-html', 'skip report.html')
    .option('--no-png', 'skip charts/*.png')
    .option('--csv-format <format>', 'wide: results.csv, one row per run; long: also results-long.csv, one row per run and metric', parseCsvFormat, 'wide')
    .option('--quiet', 'no table on stdout', false)
    .action(async (files: string[], opts: MergeOptions) => {
      const [{ mergeResults }, { readResultsFile }, { checkOutputDir }, { writeAllOutputs }] = await Promise.all([
        import('../../harness/merge.ts'),
        import('../../reports/results-schema.ts'),
        import('../../reports/write-outputs.ts'),
        import('./outputs.ts'),
      ]);
      await checkOutputDir(opts.out);
      const merged = mergeResults(files.map((name) => ({ name, results: readResultsFile(name) })));
      await writeAllOutputs(merged, opts.out, opts);
    });
}
