// Shared tail of `run` and `report`: write every output atomically and print the summary table.
import type { ResultsFile } from '../../harness/results.ts';
import type { CsvFormat } from './options.ts';
import { renderTerminalTable, useColor } from '../../reports/terminal-table.ts';
import { terminalWidth } from '../../reports/terminal-width.ts';
import { writeOutputs } from '../../reports/write-outputs.ts';
import { powerSections } from '../../reports/power/section.ts';
import { modelCheckSections } from '../../reports/model-check/section.ts';
import { modelCheckTerminal } from '../../reports/model-check/text.ts';
import { xenModelCheckSections } from '../../reports/model-check/xen-section.ts';
import { explainSections } from '../../reports/explain-section.ts';
import { sweepSections, sweepTerminal } from '../../reports/sweep/section.ts';
import { seedsSections } from '../../reports/seeds/section.ts';

export interface WriteAllOptions {
  html: boolean;
  png: boolean;
  quiet: boolean;
  /** `--csv-format long`: results-long.csv beside results.csv */
  csvFormat?: CsvFormat;
  /** once aborted, the output directory is left as it was (checked up to the moment it is replaced) */
  signal?: AbortSignal;
  /** the results come from outDir itself: keep its charts/ when not rendering PNGs (write-outputs.ts) */
  keepCharts?: boolean;
}

export async function writeAllOutputs(results: ResultsFile, outDir: string, opts: WriteAllOptions): Promise<void> {
  const files = await writeOutputs(results, outDir, {
    html: opts.html,
    png: opts.png,
    longCsv: opts.csvFormat === 'long',
    signal: opts.signal,
    keepCharts: opts.keepCharts,
    extraSections: [...sweepSections(results), ...seedsSections(results), ...powerSections(results), ...modelCheckSections(results), ...xenModelCheckSections(results), ...(opts.html ? await explainSections(results) : [])],
  });
  if (opts.quiet) return;
  process.stdout.write(renderTerminalTable(results, { color: useColor(process.stdout), width: terminalWidth(process.stdout) }));
  process.stdout.write(sweepTerminal(results));
  process.stdout.write(modelCheckTerminal(results));
  process.stdout.write(`\nwrote ${files.length} files to ${outDir}/${opts.html ? ` — open ${outDir}/report.html` : ''}\n`);
}
