// Read-side helpers over a ResultsFile shared by every renderer: the order of engines and workloads, lookup of
// one (workload, engine) run, and the top mechanisms of a run's overhead.
import type { ResultsFile, RunResult, WorkloadInfo } from '../harness/results.ts';

/** engine labels in the results' declared order, then any label that only appears in runs */
export function engineLabels(results: ResultsFile): string[] {
  const labels = results.engines.map((e) => e.label);
  for (const run of results.runs) if (!labels.includes(run.engine)) labels.push(run.engine);
  return labels;
}

/** engines that have an overhead (everything measured against native) */
export function comparedEngines(results: ResultsFile): string[] {
  return engineLabels(results).filter((label) => results.runs.some((r) => r.engine === label && r.overheadPct !== null));
}

/** workloads in declared order, then any that only appear in runs */
export function workloadList(results: ResultsFile): WorkloadInfo[] {
  const list = [...results.workloads];
  for (const run of results.runs) {
    if (!list.some((w) => w.id === run.workload)) list.push({ id: run.workload, category: run.category, title: run.title, description: '' });
  }
  return list;
}

export function categories(results: ResultsFile): string[] {
  return [...new Set(workloadList(results).map((w) => w.category))];
}

export function findRun(results: ResultsFile, workload: string, engine: string): RunResult | undefined {
  return results.runs.find((r) => r.workload === workload && r.engine === engine);
}

export interface MechanismShare {
  mechanism: string;
  /** cycles more than native */
  cycles: number;
  /** fraction of the run's whole overhead (0–1) */
  share: number;
}

/** the mechanisms that add the most cycles over native, largest first (ties by name); empty when not slower */
export function topMechanisms(run: RunResult, n: number): MechanismShare[] {
  const attribution = run.overheadAttribution;
  if (!attribution) return [];
  const total = Object.values(attribution).reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  return Object.entries(attribution)
    .filter(([, cycles]) => cycles > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, n)
    .map(([mechanism, cycles]) => ({ mechanism, cycles, share: cycles / total }));
}
