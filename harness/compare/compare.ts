// compareResults: two results files in, every judged (run, metric) row out, sorted worst first, with the
// added / removed runs and the warnings the report must show. Pure: no I/O, no exit codes (see verdict.ts).
import type { ResultsFile } from '../results.ts';
import { checkCompatible } from './compat.ts';
import { judgeCounter, judgeTiming, type Judgement, type Status } from './judge.ts';
import { matchRuns, runLabel, type RunKey, type RunPair } from './match.ts';
import { OVERHEAD_METRIC, TIMING_METRIC, counterMetrics, metricUnit } from './metrics.ts';
import { thresholdFor, type MetricSelection } from './select.ts';

/** α for the timing significance test (DESIGN §8: p < 0.01) */
export const TIMING_ALPHA = 0.01;
export const TIMING_TEST_NAME = "Welch's t-test (two-sided)";
/** the pseudo-metric of a run that failed in one of the files */
export const RUN_FAILED_METRIC = 'run';

export interface MetricRow extends Judgement {
  run: RunKey;
  metric: string;
  unit: string;
  base: number | null;
  head: number | null;
  thresholdPct: number;
}

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
    rows.push({ run: pair.key, metric, unit: metricUnit(metric), base: b, head: h, thresholdPct, ...judgeCounter(metric, b, h, thresholdPct) });
  }
  return rows;
}

function timingRow(pair: RunPair, thresholdPct: number): MetricRow | null {
  const { timing: b } = pair.base;
  const { timing: h } = pair.head;
  if (b === null || h === null) return null;
  return { run: pair.key, metric: TIMING_METRIC, unit: 'ms', base: b.meanMs, head: h.meanMs, thresholdPct, ...judgeTiming(b, h, thresholdPct, TIMING_ALPHA) };
}

const STATUS_RANK: Record<Status, number> = { regression: 0, changed: 1, ok: 2 };

/** worst first: regressions by how far past their threshold, then changes by size, then run and metric */
export function worstFirst(a: MetricRow, b: MetricRow): number {
  if (a.status !== b.status) return STATUS_RANK[a.status] - STATUS_RANK[b.status];
  const severity = (r: MetricRow): number => (r.judged === null ? Infinity : r.status === 'regression' ? r.judged - r.thresholdPct : Math.abs(r.judged));
  const sa = severity(a);
  const sb = severity(b);
  if (sa !== sb) return sa > sb ? -1 : 1;
  return runLabel(a.run).localeCompare(runLabel(b.run)) || a.metric.localeCompare(b.metric);
}

export function compareResults(base: ResultsFile, head: ResultsFile, options: CompareOptions): Comparison {
  const { baseName, headName, selection, force } = options;
  const timingThreshold = thresholdFor(selection, TIMING_METRIC);
  const compat = checkCompatible(base, head, baseName, headName, force, timingThreshold !== undefined);
  const warnings = [...compat.warnings];
  const matched = matchRuns(base.runs, head.runs, baseName, headName);
  const judgeTimings = timingThreshold !== undefined && compat.timingComparable;
  const rows: MetricRow[] = [];
  let untimed = 0;
  for (const pair of matched.pairs) {
    const failed = failedRunRow(pair);
    if (failed) rows.push(failed);
    if (pair.base.error !== undefined || pair.head.error !== undefined) continue;
    rows.push(...counterRows(pair, selection));
    if (!judgeTimings) continue;
    const timing = timingRow(pair, timingThreshold);
    if (timing) rows.push(timing);
    else untimed++;
  }
  if (judgeTimings && untimed > 0) {
    warnings.push(`${untimed} run${untimed === 1 ? ' has' : 's have'} no timings in one of the files (e.g. a counters-only baseline): only counters compared there`);
  }
  const timed = rows.some((r) => r.metric === TIMING_METRIC);
  return {
    base: summary(base, baseName),
    head: summary(head, headName),
    rows: rows.sort(worstFirst),
    added: matched.added,
    removed: matched.removed,
    runsCompared: matched.pairs.length,
    warnings,
    timingTest: timed ? `${TIMING_TEST_NAME}, α = ${TIMING_ALPHA}` : null,
  };
}
