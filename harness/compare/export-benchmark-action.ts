// `--export github-action-benchmark FILE`: HEAD's results as the JSON array benchmark-action/
// github-action-benchmark reads with `tool: customSmallerIsBetter` — entries `{ name, unit, value, range?,
// extra? }` with range and extra strings (its `extractCustomBenchmarkResult`) — so users can plot history
// with an existing tool. Only smaller-is-better metrics are exported (metrics.ts: `worse: 'higher'`): the
// power section's shares of booked / entitled capacity and its fairness are bigger-is-better and are left out
// (the action would need a second file with `tool: customBiggerIsBetter`, which hvbench does not write).
// Which metrics: with `--metric`, exactly the selected smaller-is-better ones; otherwise a curated few per run
// (one chart per entry on the action's page): the overhead against native, and the one counter that says which
// design paid it — exits for a hardware-assisted run, hypercalls for a paravirtual one — leaving out a headline
// counter that is zero (xen's exits, kvm's hypercalls, native's both), and the energy of each power run.
// Wall-clock timing only when selected: it times the simulator, not the model.
import type { PowerResults } from '../../engines/power/types.ts';
import type { ResultsFile } from '../results.ts';
import { powerLabel, runLabel } from './match.ts';
import { TIMING_METRIC, counterMetrics, metricSpec, metricUnit } from './metrics.ts';
import { POWER_KEY, powerMetricTail, powerRunMetrics } from './power.ts';
import { thresholdFor, type MetricSelection } from './select.ts';


export const HEADLINE_METRICS: readonly string[] = ['overheadPct', 'exits.total', 'hypercalls.total'];
/** of each power run, by the name's last part */
export const HEADLINE_POWER_METRICS: readonly string[] = ['energyJ'];

export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** `headline`: the name as HEADLINE_METRICS / HEADLINE_POWER_METRICS spell it */
function wanted(selection: MetricSelection, metric: string, headline: readonly string[], headlineName = metric): boolean {
  if (metricSpec(metric).worse !== 'higher') return false;
  return selection.rules === null ? headline.includes(headlineName) : thresholdFor(selection, metric) !== undefined;
}

export function benchmarkActionEntries(head: ResultsFile, selection: MetricSelection): BenchmarkActionEntry[] {
  const entries: BenchmarkActionEntry[] = [];
  for (const run of head.runs) {
    if (run.error !== undefined) continue;
    const label = runLabel(run);
    const extra = `profile ${head.profile}, seed ${head.seed}, ${run.mode}`;
    for (const [metric, value] of counterMetrics(run)) {
      if (selection.rules === null && value === 0) continue;
      if (wanted(selection, metric, HEADLINE_METRICS)) entries.push({ name: `${label} ${metric}`, unit: metricUnit(metric), value, extra });
    }
    const timing = run.timing;
    if (timing !== null && wanted(selection, TIMING_METRIC, HEADLINE_METRICS)) {
      const range = `± ${((timing.meanMs * timing.rme) / 100).toPrecision(3)}`;
      entries.push({ name: `${label} ${TIMING_METRIC}`, unit: 'ms', value: timing.meanMs, range, extra: `${extra}, ${timing.samples} samples, p99 ${timing.p99Ms} ms, host ${head.host.cpuModel}` });
    }
  }
  if (head.power) entries.push(...powerEntries(head.power, selection));
  return entries;
}

function powerEntries(power: PowerResults, selection: MetricSelection): BenchmarkActionEntry[] {
  const entries: BenchmarkActionEntry[] = [];
  for (const run of power.runs) {
    const key = POWER_KEY.keyOf(run);
    const extra = `profile ${power.profile}, seed ${power.seed}, power model, ${run.scheduler}, host governor ${run.hostGovernor}`;
    for (const [metric, value] of powerRunMetrics(power, run)) {
      const tail = powerMetricTail(key, metric);
      if (wanted(selection, metric, HEADLINE_POWER_METRICS, tail)) entries.push({ name: `power ${powerLabel(key)} ${tail}`, unit: metricUnit(metric), value, extra });
    }
  }
  return entries;
}

export function formatBenchmarkAction(head: ResultsFile, selection: MetricSelection): string {
  return JSON.stringify(benchmarkActionEntries(head, selection), null, 2) + '\n';
}
