// Where the overhead comes from, one chart per workload category: one stacked bar per (workload, engine) run
// that is slower than native, its segments the mechanisms' shares of that run's overhead (overheadBreakdown in
// reports/model.ts), so every bar is normalised to 100 % — a saving against native is a negative segment and
// the costs it offsets reach past 100. The mechanisms named are chosen per category: every run's largest cost
// first (so grant-map, split-driver or virtio-backend, each large in only a few io runs, keep their name), then
// the category's heaviest by summed share; the rest is one grey `other`.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { formatCount, formatOverhead } from '../format.ts';
import { categories, comparedEngines, findRun, overheadBreakdown, workloadList } from '../model.ts';
import { notMeaningful } from '../meaningful.ts';
import { barChart, slug } from './common.ts';
import { OTHER_COLOR, seriesColor } from './palette.ts';

/** mechanisms a chart names; each run's largest cost is named even past this */
const NAMED = 8;

/** signed percent of the run's overhead per mechanism, summing to 100 */
function shares(run: RunResult): Map<string, number> {
  const breakdown = overheadBreakdown(run, Number.MAX_SAFE_INTEGER)!;
  return new Map(breakdown.rows.map((m) => [m.mechanism, m.share * 100]));
}

const byWeightThenName = ([a, x]: [string, number], [b, y]: [string, number]) => y - x || (a < b ? -1 : 1);

/** each run's largest cost, then the heaviest of the rest up to NAMED, in order of weight */
export function namedMechanisms(byRun: readonly Map<string, number>[]): string[] {
  const weight = new Map<string, number>();
  for (const p of byRun) for (const [mech, v] of p) weight.set(mech, (weight.get(mech) ?? 0) + Math.abs(v));
  const named = new Set<string>();
  for (const p of byRun) {
    const top = [...p].filter(([, v]) => v > 0).sort(byWeightThenName)[0];
    if (top) named.add(top[0]);
  }
  for (const [mech] of [...weight].sort(byWeightThenName)) if (named.size < NAMED) named.add(mech);
  return [...weight].sort(byWeightThenName).map(([mech]) => mech).filter((mech) => named.has(mech));
}

function cyclesText(cycles: number): string {
  return `${cycles < 0 ? '−' : ''}${formatCount(Math.abs(cycles))} cycles`;
}

export function attributionCharts(results: ResultsFile): NamedChart[] {
  const taken = new Set<string>();
  const engines = comparedEngines(results);
  return categories(results).flatMap((category) => {
    const runs: RunResult[] = [];
    const meaningless: string[] = [];
    const notSlower: string[] = [];
    for (const w of workloadList(results).filter((x) => x.category === category)) {
      for (const engine of engines) {
        const run = findRun(results, w.id, engine);
        if (!run || run.error) continue;
        if (notMeaningful(results, run)) meaningless.push(`${run.workload} · ${engine}`);
        else if (overheadBreakdown(run, 1)) runs.push(run);
        else if (run.overheadAttribution) notSlower.push(`${run.workload} · ${engine} (${formatOverhead(run.overheadPct)})`);
      }
    }
    const notes = [
      ...(notSlower.length > 0 ? [`No bar for runs not slower than native (no overhead to divide): ${notSlower.join(', ')}.`] : []),
      ...(meaningless.length > 0 ? [`Left out, not meaningful on a PV domU: ${meaningless.join(', ')}.`] : []),
    ];
    if (runs.length === 0) return [];
    const byRun = runs.map(shares);
    const named = namedMechanisms(byRun);
    const cycles = (run: RunResult, mechs: readonly string[]) => mechs.reduce((s, m) => s + (run.overheadAttribution?.[m] ?? 0), 0);
    const series = named.map((mech, i) => ({
      name: mech,
      color: seriesColor(i),
      values: byRun.map((p) => p.get(mech) ?? 0),
      tooltips: runs.map((r, j) => `${(byRun[j].get(mech) ?? 0).toFixed(1)} % of the overhead, ${cyclesText(cycles(r, [mech]))}`),
    }));
    const rest = (p: Map<string, number>) => [...p].filter(([m]) => !named.includes(m));
    if (byRun.some((p) => rest(p).length > 0)) {
      series.push({
        name: 'other',
        color: OTHER_COLOR,
        values: byRun.map((p) => rest(p).reduce((s, [, v]) => s + v, 0)),
        tooltips: runs.map((r, j) => {
          const others = rest(byRun[j]);
          return `${others.reduce((s, [, v]) => s + v, 0).toFixed(1)} % of the overhead, ${cyclesText(cycles(r, others.map(([m]) => m)))} (${others.length} mechanisms)`;
        }),
      });
    }
    return [barChart({
      group: 'attribution',
      category,
      id: `attribution-${slug(category, taken)}`,
      title: `Where the overhead comes from: ${category} workloads (each bar = 100 % of that run's overhead; savings below 0)`,
      labels: runs.map((r) => `${r.workload} · ${r.engine}`),
      series,
      stacked: true,
      horizontal: true,
      valueTitle: 'share of the overhead (%)',
      notes,
    })];
  });
}
