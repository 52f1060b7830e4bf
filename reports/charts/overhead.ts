// Overhead against native by workload and engine. Micro workloads reach thousands of percent while cpu ones
// stay within a few, so one linear axis shows neither. Two views, both deterministic:
// - the headline chart plots engine cycles ÷ native cycles (= 1 + overhead) on a logarithmic axis: every order
//   of magnitude gets the same room, and an engine faster than native (ratio < 1) still has a place below 1;
// - one chart per category with its own linear axis in percent, placed in that category's section, where
//   small differences (and negative overheads) are readable.
import type { ResultsFile } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { categories, comparedEngines, engineLabels, findRun, workloadList } from '../model.ts';
import { barChart, color, slug } from './common.ts';

/** 1 + overhead/100; null where there is no overhead or the ratio could not sit on a log axis */
export function cycleRatio(overheadPct: number | null | undefined): number | null {
  if (overheadPct === null || overheadPct === undefined) return null;
  const ratio = 1 + overheadPct / 100;
  return ratio > 0 ? ratio : null;
}

/** the log axis starts half a decade below the smallest ratio's decade, so a ratio of 1 is a visible bar */
export function logAxisMin(values: readonly (number | null)[]): number {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  const smallest = positive.length > 0 ? Math.min(...positive) : 1;
  return 10 ** Math.floor(Math.log10(smallest)) / 2;
}

export function overheadChart(results: ResultsFile): NamedChart {
  const all = engineLabels(results);
  const workloads = workloadList(results);
  const series = comparedEngines(results).map((engine) => ({
    name: engine,
    color: color(all.indexOf(engine)),
    values: workloads.map((w) => cycleRatio(findRun(results, w.id, engine)?.overheadPct)),
  }));
  return barChart({
    group: 'overhead',
    id: 'overhead',
    title: 'Cycles relative to native, by workload and engine (log scale: 1 = native, 2 = +100 %, 10 = +900 %)',
    labels: workloads.map((w) => w.id),
    series,
    stacked: false,
    horizontal: false,
    valueTitle: 'engine cycles ÷ native cycles (log scale)',
    log: { min: logAxisMin(series.flatMap((s) => s.values)) },
  });
}

/** one linear chart per workload category, ids `overhead-<category>` */
export function categoryOverheadCharts(results: ResultsFile): NamedChart[] {
  const all = engineLabels(results);
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
      series: engines.map((engine) => ({
        name: engine,
        color: color(all.indexOf(engine)),
        values: workloads.map((w) => findRun(results, w.id, engine)?.overheadPct ?? null),
      })).filter((s) => s.values.some((v) => v !== null)),
      stacked: false,
      horizontal: true,
      valueTitle: 'overhead (%)',
    });
  });
}
