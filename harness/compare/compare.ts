// compareResults: two results files in, every judged (run, metric) row out, sorted worst first, with the
// added / removed runs and the warnings the report must show; the power section likewise, in its own part
// (power.ts). Pure: no I/O, no exit codes (see verdict.ts).
import type { ResultsFile } from '../results.ts';
import { UsageError } from '../errors.ts';
import { checkCompatible } from './compat.ts';
import { judgeTimings, type TimingPair } from './judge.ts';
import { matchRuns, type RunKey, type RunPair } from './match.ts';
import { OVERHEAD_METRIC, TIMING_METRIC, counterMetrics } from './metrics.ts';
import { comparePower, type PowerComparison } from './power.ts';
import { valueRow, worstFirst, type MetricRow } from './row.ts';
import { thresholdFor, type MetricSelection } from './select.ts';

export { worstFirst, type AnyRow, type MetricRow, type PowerRow } from './row.ts';

/** α for the timing significance test (p < 0.01, docs/architecture.md#statistics) */
export const TIMING_ALPHA = 0.01;
export const TIMING_TEST_NAME = "Welch's t-test (two-sided)";
/** the pseudo-metric of a run that failed in one of the files */
export const RUN_FAILED_METRIC = 'run';

export interface FileSummary {
  file: string;
  toolVersion: string;
  createdAt: string;
  host: ResultsFile['host'];
  profile: string;
  seed: number;
}

export interface CompareOptions {
  baseName: string;
  headName: string;
  selection: MetricSelection;
  force: boolean;
}

export interface Comparison {
  base: FileSummary;
  head: FileSummary;
  /** every judged row, worst first */
  rows: MetricRow[];
  added: RunKey[];
  removed: RunKey[];
  runsCompared: number;
  warnings: string[];
  /** how timings were judged, e.g. "Welch's t-test (two-sided), α = 0.01"; null when no timing was judged */
  timingTest: string | null;
  /** selected metrics that could not be judged and why, for the verdict line ("timing.meanMs: different hosts") */
  notJudged: string | null;
  /** the power section (docs/architecture.md#power): its rows, added and removed power runs */
  power: PowerComparison;
}

function summary(file: ResultsFile, name: string): FileSummary {
  return { file: name, toolVersion: file.tool.version, createdAt: file.createdAt, host: file.host, profile: file.profile, seed: file.seed };
}

function failedRunRow(pair: RunPair): MetricRow | null {
  const { base, head } = pair;
  if (base.error === undefined && head.error === undefined) return null;
  const common = { run: pair.key, metric: RUN_FAILED_METRIC, unit: '', base: null, head: null, thresholdPct: 0, delta: null, deltaPct: null, judged: null };
  if (head.error !== undefined && base.error === undefined) return { ...common, status: 'regression', note: `fails in HEAD: ${head.error}` };
  if (head.error === undefined) return { ...common, status: 'changed', note: `failed in BASE (${base.error}), runs in HEAD` };
  return { ...common, status: 'changed', note: `fails in both: ${head.error}` };
}

function counterRows(pair: RunPair, selection: MetricSelection): MetricRow[] {
  const base = counterMetrics(pair.base);
  const head = counterMetrics(pair.head);
  const names = new Set([...base.keys(), ...head.keys()]);
  const rows: MetricRow[] = [];
  for (const metric of [...names].sort()) {
    const thresholdPct = thresholdFor(selection, metric);
    if (thresholdPct === undefined) continue;
    // a counter absent on one side is zero there; overheadPct absent means native did not run (null)
    const absent = metric === OVERHEAD_METRIC ? null : 0;
    const b = base.get(metric) ?? absent;
    const h = head.get(metric) ?? absent;
    rows.push(valueRow(pair.key, metric, b, h, thresholdPct));
  }
  return rows;
}

/** the timing rows of every pair timed on both sides, judged as one family (Holm-corrected) */
function timingRows(pairs: readonly RunPair[], thresholdPct: number): { rows: MetricRow[]; untimed: number } {
  const timed: { pair: RunPair; timing: TimingPair }[] = [];
  for (const pair of pairs) {
    const { timing: b } = pair.base;
    const { timing: h } = pair.head;
    if (b !== null && h !== null) timed.push({ pair, timing: { base: b, head: h, thresholdPct } });
  }
  const judgements = judgeTimings(timed.map((t) => t.timing), TIMING_ALPHA);
  const rows = timed.map(({ pair, timing }, i): MetricRow => ({ run: pair.key, metric: TIMING_METRIC, unit: 'ms', base: timing.base.meanMs, head: timing.head.meanMs, thresholdPct, ...judgements[i] }));
  return { rows, untimed: pairs.length - timed.length };
}

export function compareResults(base: ResultsFile, head: ResultsFile, options: CompareOptions): Comparison {
  const { baseName, headName, selection, force } = options;
  const timingThreshold = thresholdFor(selection, TIMING_METRIC);
  const compat = checkCompatible(base, head, baseName, headName, force, timingThreshold !== undefined);
  const warnings = [...compat.warnings];
  const matched = matchRuns(base.runs, head.runs, baseName, headName);
  const timingsJudged = timingThreshold !== undefined && compat.timingComparable;
  const rows: MetricRow[] = [];
  const healthy: RunPair[] = [];
  for (const pair of matched.pairs) {
    const failed = failedRunRow(pair);
    if (failed) rows.push(failed);
    if (pair.base.error !== undefined || pair.head.error !== undefined) continue;
    rows.push(...counterRows(pair, selection));
    healthy.push(pair);
  }
  const timings = timingsJudged ? timingRows(healthy, timingThreshold) : { rows: [], untimed: 0 };
  rows.push(...timings.rows);
  const untimed = timings.untimed;
  if (timingsJudged && untimed > 0) {
    warnings.push(`${untimed} run${untimed === 1 ? ' has' : 's have'} no timings in one of the files (e.g. a counters-only baseline): only counters compared there`);
  }
  const timed = rows.some((r) => r.metric === TIMING_METRIC);
  const power = comparePower(base, head, baseName, headName, selection, warnings);
  const notJudged = timingThreshold !== undefined && !compat.timingComparable ? `${TIMING_METRIC} not comparable across different hosts, not judged` : null;
  refuseNothingJudged(base, head, options, matched.pairs.length, rows.length + power.rows.length, notJudged);
  return {
    base: summary(base, baseName),
    head: summary(head, headName),
    rows: rows.sort(worstFirst),
    added: matched.added,
    removed: matched.removed,
    runsCompared: matched.pairs.length,
    warnings,
    timingTest: timed ? `${TIMING_TEST_NAME}, Holm-corrected over ${timings.rows.length} timing${timings.rows.length === 1 ? '' : 's'}, α = ${TIMING_ALPHA}` : null,
    notJudged,
    power,
  };
}

/**
 * A verdict about nothing is refused (UsageError, exit 2) rather than passed: an empty HEAD would otherwise
 * read "✅ … 3 runs removed", and timings withheld across hosts "✅ 0 metrics". Exit 1 would claim a
 * regression the change did not cause; what is wrong is the input, so it is bad input.
 */
function refuseNothingJudged(base: ResultsFile, head: ResultsFile, options: CompareOptions, pairs: number, judged: number, notJudged: string | null): void {
  const { baseName, headName } = options;
  const empty = (f: ResultsFile) => f.runs.length === 0 && (f.power?.runs.length ?? 0) === 0;
  let why: string | null = null;
  if (head.runs.length === 0 && base.runs.length > 0) why = `${headName} has no runs ($.runs is empty) while ${baseName} has ${base.runs.length}`;
  else if (empty(head) || empty(base)) why = `${empty(head) ? headName : baseName} has no runs and no power runs`;
  else if (judged > 0) return;
  else if (pairs === 0 && (base.power === undefined || head.power === undefined)) why = `${baseName} and ${headName} have no run in common`;
  else if (notJudged !== null) why = `the selected metrics are only ${TIMING_METRIC}, and wall-clock timings are not comparable across different hosts (--force to judge them anyway)`;
  else why = 'the selected metrics match no metric of the runs compared';
  throw new UsageError(`nothing to judge: ${why}`);
}
