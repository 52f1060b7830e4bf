// `hvbench report RESULTS.json`: re-render every output from a results file, without re-running anything.
import { Command } from 'commander';
import { readResultsFile } from '../../reports/results-schema.ts';
import { checkOutputDir } from '../../reports/write-outputs.ts';
import { writeAllOutputs } from './outputs.ts';

interface ReportOptions {
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render results.json, CSV, Markdown, PNG charts and report.html from a results file')
    .argument('<results>', 'a results.json written by hvbench run')
    .option('--out <dir>', 'output directory (replaced atomically)', 'results')
    .option('--no-html', 'skip report.html')
    .option('--no-png', 'skip charts/*.png')
    .option('--quiet', 'no table on stdout', false)
    .action(async (file: string, opts: ReportOptions) => {
      await checkOutputDir(opts.out);
      const results = readResultsFile(file);
      await writeAllOutputs(results, opts.out, opts);
    });
}
