// Counter breakdowns as stacked bars, one bar per (workload, engine) run that has any: VM exits by reason,
// traps into Xen by reason (kept apart: a PV trap is not a VM exit), hypercalls by op, TLB flushes by cause.
// One builder, four definitions.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { engineLabels, findRun, trapEngines, workloadList } from '../model.ts';
import { barChart, color } from './common.ts';

interface CounterChartSpec {
  id: string;
  title: string;
  valueTitle: string;
  pick(run: RunResult): Record<string, number | undefined>;
  /** engines to chart (default: all) */
  engines?(results: ResultsFile): string[];
}

function counterChart(results: ResultsFile, spec: CounterChartSpec): NamedChart | null {
  const runs: RunResult[] = [];
  for (const w of workloadList(results)) {
    for (const engine of spec.engines?.(results) ?? engineLabels(results)) {
      const run = findRun(results, w.id, engine);
      if (run && Object.values(spec.pick(run)).some((n) => (n ?? 0) > 0)) runs.push(run);
    }
  }
  if (runs.length === 0) return null;
  const keys = [...new Set(runs.flatMap((r) => Object.keys(spec.pick(r))))].sort();
  return barChart({
    group: 'counters',
    id: spec.id,
    title: spec.title,
    labels: runs.map((r) => `${r.workload} · ${r.engine}`),
    series: keys.map((key, i) => ({ name: key, color: color(i), values: runs.map((r) => spec.pick(r)[key] ?? 0) })),
    stacked: true,
    horizontal: true,
    valueTitle: spec.valueTitle,
  });
}

export function exitsChart(results: ResultsFile): NamedChart | null {
  const exiting = (res: ResultsFile) => engineLabels(res).filter((e) => !trapEngines(res).has(e));
  return counterChart(results, { id: 'exits', title: 'VM exits by reason', valueTitle: 'exits', pick: (r) => r.exits.byReason, engines: exiting });
}

export function trapsChart(results: ResultsFile): NamedChart | null {
  const trapping = (res: ResultsFile) => engineLabels(res).filter((e) => trapEngines(res).has(e));
  return counterChart(results, { id: 'traps', title: 'Traps into the hypervisor by reason (xenalyze names)', valueTitle: 'traps', pick: (r) => r.exits.byReason, engines: trapping });
}

export function hypercallsChart(results: ResultsFile): NamedChart | null {
  return counterChart(results, { id: 'hypercalls', title: 'Hypercalls by op', valueTitle: 'hypercalls', pick: (r) => r.hypercalls.byOp });
}

export function flushesChart(results: ResultsFile): NamedChart | null {
  return counterChart(results, { id: 'tlb-flushes', title: 'TLB flushes by cause', valueTitle: 'flushes', pick: (r) => r.tlb.flushes.byCause });
}
