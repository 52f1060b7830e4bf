// `hvbench report RESULTS.json`: re-render every output from a results file, without re-running anything.
// `hvbench report A.json B.json …`: one report.html with the files side by side (reports/side-by-side/).
import { Command } from 'commander';
import { UsageError } from '../../harness/errors.ts';
import { readResultsFile } from '../../reports/results-schema.ts';
import { checkOutputDir, writeDirAtomically } from '../../reports/write-outputs.ts';
import { renderPng } from '../../reports/png.ts';
import { renderSideBySide } from '../../reports/side-by-side/html.ts';
import { trendCharts } from '../../reports/side-by-side/trend-charts.ts';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeAllOutputs } from './outputs.ts';

interface ReportOptions {
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
}

/** a history of results files past this is better read as a CSV than as one page */
export const MAX_SIDE_BY_SIDE = 64;

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render results.json, CSV, Markdown, PNG charts and report.html from a results file; ' +
      'with several files, one report.html of them side by side (deltas, and a trend chart per category)')
    .argument('<results...>', 'results.json files written by hvbench run (several: oldest first)')
    .option('--out <dir>', 'output directory (replaced atomically)', 'results')
    .option('--no-html', 'skip report.html')
    .option('--no-png', 'skip charts/*.png')
    .option('--quiet', 'no table on stdout', false)
    .action(async (files: string[], opts: ReportOptions) => {
      await checkOutputDir(opts.out);
      if (files.length === 1) {
        // re-rendering a results file where it lies (--no-png to redo only the page) keeps its charts
        await writeAllOutputs(readResultsFile(files[0]), opts.out, { ...opts, keepCharts: resolve(dirname(files[0])) === resolve(opts.out) });
        return;
      }
      if (files.length > MAX_SIDE_BY_SIDE) throw new UsageError(`report: ${files.length} results files, more than the ${MAX_SIDE_BY_SIDE} one page shows side by side`);
      if (!opts.html) throw new UsageError('report: with several results files the output is report.html; --no-html leaves nothing to write');
      const named = files.map((name) => ({ name, results: readResultsFile(name) }));
      const written = await writeDirAtomically(opts.out, async (put, dir) => {
        if (opts.png) {
          await mkdir(join(dir, 'charts'));
          for (const chart of trendCharts(named)) await put(`charts/${chart.id}.png`, renderPng(chart));
        }
        await put('report.html', renderSideBySide(named));
      });
      if (!opts.quiet) process.stdout.write(`wrote ${written.length} files to ${opts.out}/ — open ${opts.out}/report.html (${files.length} results side by side)\n`);
    });
}
