// Read-side helpers over a ResultsFile shared by every renderer: the order of engines and workloads, lookup of
// one (workload, engine) run, and the top mechanisms of a run's overhead. Renderers look up every (workload,
// engine) cell, so lookups go through an index built once per runs array: a linear search per cell made a
// report of thousands of runs quadratic (minutes).
import type { ResultsFile, RunResult, WorkloadInfo } from '../harness/results.ts';

/** engine labels in the results' declared order, then any label that only appears in runs */
export function engineLabels(results: ResultsFile): string[] {
  return [...index(results).labels];
}

/** engines that have an overhead (everything measured against native) */
export function comparedEngines(results: ResultsFile): string[] {
  return engineLabels(results).filter((label) => results.runs.some((r) => r.engine === label && r.overheadPct !== null));
}

/** workloads in declared order, then any that only appear in runs */
export function workloadList(results: ResultsFile): WorkloadInfo[] {
  const list = [...results.workloads];
  const ids = new Set(list.map((w) => w.id));
  for (const run of results.runs) {
    if (ids.has(run.workload)) continue;
    ids.add(run.workload);
    list.push({ id: run.workload, category: run.category, title: run.title, description: '' });
  }
  return list;
}

export function categories(results: ResultsFile): string[] {
  return [...new Set(workloadList(results).map((w) => w.category))];
}

interface Index {
  runs: readonly RunResult[];
  runCount: number;
  engines: ResultsFile['engines'];
  engineCount: number;
  /** runs by workload then engine label, the first of each pair as a linear search would find it */
  byKey: Map<string, Map<string, RunResult>>;
  labels: readonly string[];
}

const indexes = new WeakMap<ResultsFile, Index>();

/** built once per results file, again when its runs or engines arrays are replaced or change length */
function index(results: ResultsFile): Index {
  const { runs, engines } = results;
  const cached = indexes.get(results);
  if (cached && cached.runs === runs && cached.runCount === runs.length && cached.engines === engines && cached.engineCount === engines.length) return cached;
  const byKey = new Map<string, Map<string, RunResult>>();
  const labels = new Set(engines.map((e) => e.label));
  for (const run of runs) {
    labels.add(run.engine);
    let byEngine = byKey.get(run.workload);
    if (!byEngine) byKey.set(run.workload, (byEngine = new Map()));
    if (!byEngine.has(run.engine)) byEngine.set(run.engine, run);
  }
  const built = { runs, runCount: runs.length, engines, engineCount: engines.length, byKey, labels: [...labels] };
  indexes.set(results, built);
  return built;
}

/** a VMX basic exit reason's name (Intel SDM Vol. 3 Appendix C): upper case, as KVM's tracepoints print it */
export const VMX_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Engines whose exits are traps into a paravirtual hypervisor rather than VM exits: the paravirtual engine
 * counts them under xenalyze's names (`page_fault`, `ptwr`, `emulate privop`), which are not VMX names. Judged
 * over every run of the engine, setup included, so one without traps is still labelled like its engine.
 */
export function trapEngines(results: ResultsFile): Set<string> {
  const out = new Set<string>();
  for (const run of results.runs) {
    const reasons = [...Object.keys(run.exits.byReason), ...Object.keys(run.setup?.exits.byReason ?? {})];
    if (reasons.some((r) => !VMX_NAME.test(r))) out.add(run.engine);
  }
  return out;
}

/** `traps` for an engine whose exits are traps into the hypervisor, else `exits` */
export function exitNoun(results: ResultsFile, engine: string): 'traps' | 'exits' {
  return trapEngines(results).has(engine) ? 'traps' : 'exits';
}

export function findRun(results: ResultsFile, workload: string, engine: string): RunResult | undefined {
  const run = index(results).byKey.get(workload)?.get(engine);
  // a run edited after the index was built (tests build files by mutation) is looked up again
  if (run && run.workload === workload && run.engine === engine) return run;
  return run ? results.runs.find((r) => r.workload === workload && r.engine === engine) : undefined;
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
