// `--export github-action-benchmark FILE`: HEAD's results as the JSON array benchmark-action/
// github-action-benchmark reads with `tool: customSmallerIsBetter` — entries `{ name, unit, value, range?,
// extra? }` with range and extra strings (its `extractCustomBenchmarkResult`) — so users can plot history
// with an existing tool. Every exported metric is smaller-is-better.
// Which metrics: with `--metric`, exactly the selected ones; otherwise the headline ones below (one chart
// per entry on the action's page, so not every per-reason counter).
import type { ResultsFile } from '../results.ts';
import { runLabel } from './match.ts';
import { TIMING_METRIC, counterMetrics, metricUnit } from './metrics.ts';
import { thresholdFor, type MetricSelection } from './select.ts';

export const BENCHMARK_ACTION_FORMAT = 'github-action-benchmark';

export const HEADLINE_METRICS: readonly string[] = ['overheadPct', 'cycles.total', 'exits.total', 'hypercalls.total', 'tlb.flushes.total', 'tlb.misses', TIMING_METRIC];

export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

function wanted(selection: MetricSelection, metric: string): boolean {
  return selection.rules === null ? HEADLINE_METRICS.includes(metric) : thresholdFor(selection, metric) !== undefined;
}

export function benchmarkActionEntries(head: ResultsFile, selection: MetricSelection): BenchmarkActionEntry[] {
  const entries: BenchmarkActionEntry[] = [];
  for (const run of head.runs) {
    if (run.error !== undefined) continue;
    const label = runLabel(run);
    const extra = `profile ${head.profile}, seed ${head.seed}, ${run.mode}`;
    for (const [metric, value] of counterMetrics(run)) {
      if (wanted(selection, metric)) entries.push({ name: `${label} ${metric}`, unit: metricUnit(metric), value, extra });
    }
    const timing = run.timing;
    if (timing !== null && wanted(selection, TIMING_METRIC)) {
      const range = `± ${((timing.meanMs * timing.rme) / 100).toPrecision(3)}`;
      entries.push({ name: `${label} ${TIMING_METRIC}`, unit: 'ms', value: timing.meanMs, range, extra: `${extra}, ${timing.samples} samples, p99 ${timing.p99Ms} ms, host ${head.host.cpuModel}` });
    }
  }
  return entries;
}

export function formatBenchmarkAction(head: ResultsFile, selection: MetricSelection): string {
  return JSON.stringify(benchmarkActionEntries(head, selection), null, 2) + '\n';
}
