// Overhead attribution per engine: for each non-native engine, one stacked bar per workload whose segments
// are the mechanisms' cycles over native in percent of native's cycles — the bar's height is overheadPct.
// The engine's largest mechanisms get their own colour; the rest are summed as `other`.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { comparedEngines, findRun, workloadList } from '../model.ts';
import { barChart, color, slug } from './common.ts';

const NAMED = 8;

/** percentage points of overhead per mechanism */
function points(run: RunResult): Record<string, number> {
  const native = run.cycles.total / (1 + (run.overheadPct ?? 0) / 100);
  const out: Record<string, number> = {};
  for (const [mech, cycles] of Object.entries(run.overheadAttribution ?? {})) out[mech] = (cycles / native) * 100;
  return out;
}

export function attributionCharts(results: ResultsFile): NamedChart[] {
  const taken = new Set<string>();
  const workloads = workloadList(results);
  return comparedEngines(results).map((engine) => {
    const runs = workloads.map((w) => findRun(results, w.id, engine)).filter((r): r is RunResult => r?.overheadAttribution != null);
    const byRun = runs.map(points);
    const weight = new Map<string, number>();
    for (const p of byRun) for (const [mech, v] of Object.entries(p)) weight.set(mech, (weight.get(mech) ?? 0) + Math.abs(v));
    const ranked = [...weight.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([mech]) => mech);
    const named = ranked.slice(0, NAMED).sort();
    const rest = ranked.slice(NAMED);
    const series = named.map((mech, i) => ({ name: mech, color: color(i), values: byRun.map((p) => p[mech] ?? 0) }));
    if (rest.length > 0) series.push({ name: 'other', color: '#999999', values: byRun.map((p) => rest.reduce((s, m) => s + (p[m] ?? 0), 0)) });
    return barChart({
      group: 'attribution',
      id: `attribution-${slug(engine, taken)}`,
      title: `Where ${engine}'s overhead comes from (percentage points of native cycles, by mechanism)`,
      labels: runs.map((r) => r.workload),
      series,
      stacked: true,
      horizontal: true,
      valueTitle: 'overhead (% of native cycles)',
    });
  });
}
