// `hvbench compare BASE HEAD` end to end: validate the options, read both files, compare, render, write,
// export, and return the exit code (0 no regression, 1 regression per --fail-on). Bad input of any kind is a
// UsageError with a one-line message, thrown before anything is written: the CLI prints it and exits 2.
import { UsageError, clip } from '../errors.ts';
import { compareResults } from './compare.ts';
import { formatBenchmarkAction } from './export-benchmark-action.ts';
import { formatJson } from './format-json.ts';
import { formatMarkdown } from './format-md.ts';
import { formatText } from './format-text.ts';
import { renderSideBySide } from '../../reports/side-by-side/html.ts';
import { readResultsFile } from '../../reports/results-schema.ts';
import { parseMetricRules, parseThreshold, type MetricSelection } from './select.ts';
import { verdict } from './verdict.ts';
import { BENCHMARK_ACTION_FORMAT, DEFAULT_THRESHOLD_PCT, FAIL_ON, FORMATS, type CompareFormat, type FailOn } from './choices.ts';
import { assertReplaceableFile, writeFileAtomic } from '../write-atomic.ts';

/** the options as commander hands them over (strings, unvalidated) */
export interface CompareArgs {
  base: string;
  head: string;
  threshold?: string;
  /** each value a comma-separated list; the flag may repeat */
  metric?: string[];
  format?: string;
  out?: string;
  failOn?: string;
  force?: boolean;
  /** `[format, file]` */
  export?: string[];
}

export interface CompareIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} ${clip(value)}: expected one of ${allowed.join(', ')}`);
}

function exportFile(spec: string[] | undefined): string | undefined {
  if (spec === undefined) return undefined;
  if (spec.length !== 2) throw new UsageError(`--export takes a format and a file: --export ${BENCHMARK_ACTION_FORMAT} FILE`);
  oneOf(spec[0], [BENCHMARK_ACTION_FORMAT], '--export');
  return spec[1];
}

export async function runCompare(args: CompareArgs, io: CompareIO): Promise<0 | 1> {
  const defaultThresholdPct = args.threshold === undefined ? DEFAULT_THRESHOLD_PCT : parseThreshold(args.threshold, '--threshold');
  const selection: MetricSelection = { rules: args.metric === undefined ? null : parseMetricRules(args.metric, defaultThresholdPct), defaultThresholdPct };
  const format = oneOf<CompareFormat>(args.format ?? 'text', FORMATS, '--format');
  const failOn = oneOf<FailOn>(args.failOn ?? 'regression', FAIL_ON, '--fail-on');
  const exportPath = exportFile(args.export);
  // refuse a target that is not ours to replace before reading anything
  for (const target of [args.out, exportPath]) if (target !== undefined) await assertReplaceableFile(target);

  const base = readResultsFile(args.base);
  const head = readResultsFile(args.head);
  const comparison = compareResults(base, head, { baseName: args.base, headName: args.head, selection, force: args.force === true });
  const result = verdict(comparison, failOn);
  const report = format === 'json' ? formatJson(comparison, result, failOn)
    : format === 'md' ? formatMarkdown(comparison, result)
      // the page `hvbench report BASE HEAD` writes, with the verdict on top: a CI artifact to open
      : format === 'html' ? renderSideBySide([{ name: args.base, results: base }, { name: args.head, results: head }], { verdict: result.line })
        : formatText(comparison, result);

  if (exportPath !== undefined) await writeFileAtomic(exportPath, formatBenchmarkAction(head, selection));
  if (args.out === undefined) {
    io.stdout(report);
    if (format !== 'text') for (const w of comparison.warnings) io.stderr(`hvbench compare: warning: ${w}\n`);
  } else {
    await writeFileAtomic(args.out, report);
    for (const w of comparison.warnings) io.stderr(`hvbench compare: warning: ${w}\n`);
    io.stdout(`${result.line}\n`);
  }
  return result.exitCode;
}
