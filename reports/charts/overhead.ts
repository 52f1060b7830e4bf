// Overhead against native by workload and engine. Micro workloads reach thousands of percent while cpu ones
// stay within a few, so one linear axis shows neither. Two views, both deterministic:
// - the headline chart plots engine cycles ÷ native cycles (= 1 + overhead) on a logarithmic axis: every order
//   of magnitude gets the same room, bars start at 1 (native) so +0.0 % draws no bar and an engine faster than
//   native draws down from 1; runs that measure nothing the workload meant (reports/meaningful.ts) are left
//   out with a note instead of stretching the axis by decades;
// - one chart per category with its own linear axis in percent, placed in that category's section, where
//   small differences (and negative overheads) are readable.
// Each bar's tooltip gives the overhead and the engine's cycles.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { formatCount, formatOverhead } from '../format.ts';
import { categories, comparedEngines, findRun, workloadList } from '../model.ts';
import { notMeaningful } from '../meaningful.ts';
import { barChart, slug } from './common.ts';
import { resultsEngineColors } from './palette.ts';

/** 1 + overhead/100; null where there is no overhead or the ratio could not sit on a log axis */
export function cycleRatio(overheadPct: number | null | undefined): number | null {
  if (overheadPct === null || overheadPct === undefined) return null;
  const ratio = 1 + overheadPct / 100;
  return ratio > 0 ? ratio : null;
}

/** the log axis starts half a decade below the smallest ratio's decade, and never above 0.5: bars start at 1 */
export function logAxisMin(values: readonly (number | null)[]): number {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  const smallest = Math.min(1, ...positive);
  return 10 ** Math.floor(Math.log10(smallest)) / 2;
}

/** `+31.9 %, 463,942,306 cycles` */
export function overheadTooltip(run: RunResult | undefined): string {
  return run ? `${formatOverhead(run.overheadPct)}, ${formatCount(run.cycles.total)} cycles` : '';
}

export function overheadChart(results: ResultsFile): NamedChart {
  const colors = resultsEngineColors(results);
  const workloads = workloadList(results);
  const notes: string[] = [];
  const series = comparedEngines(results).map((engine) => {
    const runs = workloads.map((w) => findRun(results, w.id, engine));
    const left = runs.filter((run): run is RunResult => run !== undefined && notMeaningful(results, run));
    if (left.length > 0) {
      const ratios = left.map((run) => `${run.workload} ${cycleRatio(run.overheadPct)?.toPrecision(2) ?? '—'}×`);
      notes.push(`Not drawn on ${engine}: ${ratios.join(', ')} native. A PV domU cannot execute the instruction these measure, ` +
        'so each is a fault Xen bounces to the guest; their counters are in the tables.');
    }
    return {
      name: engine,
      color: colors.get(engine)!,
      values: runs.map((run) => (run && left.includes(run) ? null : cycleRatio(run?.overheadPct))),
      tooltips: runs.map(overheadTooltip),
    };
  });
  return barChart({
    group: 'overhead',
    id: 'overhead',
    title: 'Cycles relative to native, by workload and engine (log scale, bars from 1 = native: 2 = +100 %, 10 = +900 %)',
    labels: workloads.map((w) => w.id),
    series,
    stacked: false,
    horizontal: false,
    valueTitle: 'engine cycles ÷ native cycles (log scale)',
    log: { min: logAxisMin(series.flatMap((s) => s.values)) },
    base: 1,
    notes,
  });
}

/** one linear chart per workload category, ids `overhead-<category>` */
export function categoryOverheadCharts(results: ResultsFile): NamedChart[] {
  const colors = resultsEngineColors(results);
  const engines = comparedEngines(results);
  const taken = new Set<string>();
  return categories(results).map((category) => {
    const workloads = workloadList(results).filter((w) => w.category === category);
    return barChart({
      group: 'category',
      category,
      id: `overhead-${slug(category, taken)}`,
      title: `Overhead against native: ${category} workloads (linear scale)`,
      labels: workloads.map((w) => w.id),
      // engines that ran none of this category's workloads (a measured engine on one micro workload) stay out
      series: engines.map((engine) => {
        const runs = workloads.map((w) => findRun(results, w.id, engine));
        return { name: engine, color: colors.get(engine)!, values: runs.map((r) => r?.overheadPct ?? null), tooltips: runs.map(overheadTooltip) };
      }).filter((s) => s.values.some((v) => v !== null)),
      stacked: false,
      horizontal: true,
      valueTitle: 'overhead (%)',
    });
  });
}
