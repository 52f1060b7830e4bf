// `hvbench report RESULTS.json`: re-render every output from a results file, without re-running anything.
// `hvbench report A.json B.json …`: one report.html with the files side by side (reports/side-by-side/).
// `hvbench report --history DIR`: one report.html of every results.json under DIR, a trend chart per headline
// metric over them (reports/history/).
import { Command } from 'commander';
import { UsageError } from '../../harness/errors.ts';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { NamedChart } from '../../reports/types.ts';

interface ReportOptions {
  out: string;
  html: boolean;
  png: boolean;
  quiet: boolean;
  history?: string;
}

/** a history of results files past this is better read as a CSV than as one page */
export const MAX_SIDE_BY_SIDE = 64;

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render results.json, CSV, Markdown, PNG charts and report.html from a results file; ' +
      'with several files, one report.html of them side by side (deltas, and a trend chart per category)')
    .argument('[results...]', 'results.json files written by hvbench run (several: oldest first)')
    .option('--history <dir>', 'one report.html of every results.json under DIR, oldest first, with a trend chart per headline metric')
    .option('--out <dir>', 'output directory (replaced atomically)', 'results')
    .option('--no-html', 'skip report.html')
    .option('--no-png', 'skip charts/*.png')
    .option('--quiet', 'no table on stdout', false)
    .action(async (files: string[], opts: ReportOptions) => {
      if (opts.history !== undefined && files.length > 0) throw new UsageError('report: give results files or --history DIR, not both');
      if (opts.history === undefined && files.length === 0) throw new UsageError('report: give a results file, several, or --history DIR');
      const { checkOutputDir } = await import('../../reports/write-outputs.ts');
      await checkOutputDir(opts.out);
      if (opts.history !== undefined) {
        if (!opts.html) throw new UsageError('report --history: the output is report.html; --no-html leaves nothing to write');
        const [{ readHistory }, { historyCharts, renderHistory }] = await Promise.all([
          import('../../reports/history/files.ts'),
          import('../../reports/history/html.ts'),
        ]);
        const history = readHistory(opts.history);
        const n = await writePage(opts, historyCharts(history), renderHistory(opts.history, history));
        if (!opts.quiet) process.stdout.write(`wrote ${n} files to ${opts.out}/ — open ${opts.out}/report.html (a history of ${history.length} results)\n`);
        return;
      }
      const { readResultsFile } = await import('../../reports/results-schema.ts');
      if (files.length === 1) {
        const { writeAllOutputs } = await import('./outputs.ts');
        // re-rendering a results file where it lies (--no-png to redo only the page) keeps its charts
        await writeAllOutputs(readResultsFile(files[0]), opts.out, { ...opts, keepCharts: resolve(dirname(files[0])) === resolve(opts.out) });
        return;
      }
      if (files.length > MAX_SIDE_BY_SIDE) throw new UsageError(`report: ${files.length} results files, more than the ${MAX_SIDE_BY_SIDE} one page shows side by side`);
      if (!opts.html) throw new UsageError('report: with several results files the output is report.html; --no-html leaves nothing to write');
      const [{ renderSideBySide }, { trendCharts }] = await Promise.all([
        import('../../reports/side-by-side/html.ts'),
        import('../../reports/side-by-side/trend-charts.ts'),
      ]);
      const named = files.map((name) => ({ name, results: readResultsFile(name) }));
      const n = await writePage(opts, trendCharts(named), renderSideBySide(named));
      if (!opts.quiet) process.stdout.write(`wrote ${n} files to ${opts.out}/ — open ${opts.out}/report.html (${files.length} results side by side)\n`);
    });
}

/** report.html and, unless --no-png, its charts as PNGs, written atomically into --out; the number of files */
async function writePage(opts: ReportOptions, charts: readonly NamedChart[], html: string): Promise<number> {
  const [{ writeDirAtomically }, { renderPng }] = await Promise.all([import('../../reports/write-outputs.ts'), import('../../reports/png.ts')]);
  const written = await writeDirAtomically(opts.out, async (put, dir) => {
    if (opts.png) {
      await mkdir(join(dir, 'charts'));
      for (const chart of charts) await put(`charts/${chart.id}.png`, renderPng(chart));
    }
    await put('report.html', html);
  });
  return written.length;
}
