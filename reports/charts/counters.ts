// Counter breakdowns as stacked bars, one bar per (workload, engine) run that has any: VM exits by reason,
// traps into Xen by reason (kept apart: a PV trap is not a VM exit), hypercalls by op, TLB flushes by cause.
// One chart per counter and workload category: on one axis for the whole suite, the 40,000 exits of
// cpu/timer-heavy left the memory workloads' few hundred as empty rows. A reason keeps its colour in every
// category's chart. One builder, four definitions.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { categories, engineLabels, findRun, trapEngines, workloadList } from '../model.ts';
import { barChart, color, slug } from './common.ts';

interface CounterChartSpec {
  id: string;
  title: string;
  valueTitle: string;
  pick(run: RunResult): Record<string, number | undefined>;
  /** engines to chart (default: all) */
  engines?(results: ResultsFile): string[];
}

function counterCharts(results: ResultsFile, spec: CounterChartSpec): NamedChart[] {
  const byCategory = new Map<string, RunResult[]>();
  for (const w of workloadList(results)) {
    for (const engine of spec.engines?.(results) ?? engineLabels(results)) {
      const run = findRun(results, w.id, engine);
      if (!run || !Object.values(spec.pick(run)).some((n) => (n ?? 0) > 0)) continue;
      byCategory.set(w.category, [...(byCategory.get(w.category) ?? []), run]);
    }
  }
  const taken = new Set<string>();
  const allKeys = [...new Set([...byCategory.values()].flat().flatMap((r) => Object.keys(spec.pick(r))))].sort();
  return categories(results).filter((c) => byCategory.has(c)).map((category) => {
    const runs = byCategory.get(category)!;
    const keys = allKeys.filter((key) => runs.some((r) => (spec.pick(r)[key] ?? 0) > 0));
    return barChart({
      group: 'counters',
      category,
      id: `${spec.id}-${slug(category, taken)}`,
      title: `${spec.title}: ${category} workloads`,
      labels: runs.map((r) => `${r.workload} · ${r.engine}`),
      series: keys.map((key) => ({ name: key, color: color(allKeys.indexOf(key)), values: runs.map((r) => spec.pick(r)[key] ?? 0) })),
      stacked: true,
      horizontal: true,
      valueTitle: spec.valueTitle,
    });
  });
}

export function exitsCharts(results: ResultsFile): NamedChart[] {
  const exiting = (res: ResultsFile) => engineLabels(res).filter((e) => !trapEngines(res).has(e));
  return counterCharts(results, { id: 'exits', title: 'VM exits by reason', valueTitle: 'exits', pick: (r) => r.exits.byReason, engines: exiting });
}

export function trapsCharts(results: ResultsFile): NamedChart[] {
  const trapping = (res: ResultsFile) => engineLabels(res).filter((e) => trapEngines(res).has(e));
  return counterCharts(results, { id: 'traps', title: 'Traps into the hypervisor by reason (xenalyze names)', valueTitle: 'traps', pick: (r) => r.exits.byReason, engines: trapping });
}

export function hypercallsCharts(results: ResultsFile): NamedChart[] {
  return counterCharts(results, { id: 'hypercalls', title: 'Hypercalls by op', valueTitle: 'hypercalls', pick: (r) => r.hypercalls.byOp });
}

export function flushesCharts(results: ResultsFile): NamedChart[] {
  return counterCharts(results, { id: 'tlb-flushes', title: 'TLB flushes by cause', valueTitle: 'flushes', pick: (r) => r.tlb.flushes.byCause });
}
