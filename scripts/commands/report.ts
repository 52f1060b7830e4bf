// `hvbench report RESULTS.json`: re-render every output from a results file, without re-running anything.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../../harness/errors.ts';
import { parseResultsFile } from '../../reports/results-schema.ts';
import { writeAllOutputs } from './outputs.ts';

interface ReportOptions {
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
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
      const results = parseResultsFile(readText(file), file);
      await writeAllOutputs(results, opts.out, opts);
    });
}
