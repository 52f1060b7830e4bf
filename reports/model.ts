// Read-side helpers over a ResultsFile shared by every renderer: the order of engines and workloads, lookup of
// one (workload, engine) run, and the top mechanisms of a run's overhead. Renderers look up every (workload,
// engine) cell, so lookups go through an index built once per runs array: a linear search per cell made a
// report of thousands of runs quadratic (minutes).
import { formatSignedPct } from './format.ts';
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
  /** cycles more than native (negative: a saving against native) */
  cycles: number;
  /** signed fraction of the run's whole overhead; a breakdown's shares sum to exactly 1 */
  share: number;
  /** the share in whole percent, rounded so that a breakdown's percents sum to exactly 100 (largest remainder) */
  pct: number;
}

/** the row that folds the mechanisms a breakdown does not list by name */
export const OTHER_MECHANISMS = 'other mechanisms';

export interface OverheadBreakdown {
  /** the mechanisms that add the most cycles over native, largest first; then, when some are not listed, their
   *  net as OTHER_MECHANISMS; then the savings against native (negative), largest saving first. Their cycles
   *  sum to `total` and their shares to 1 (100 %). */
  rows: MechanismShare[];
  /** cycles over native in all: the run's cycles minus native's, the overhead itself */
  total: number;
}

const byCyclesThenName = ([a, x]: [string, number], [b, y]: [string, number]) => Math.abs(y) - Math.abs(x) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * "Why is X slower here?" as a table that adds up: at most `n` costs and `n` savings by name, the rest folded,
 * and every share a fraction of the overhead itself — so a mechanism that costs more than the whole overhead
 * (because another one saves cycles against native) shows above 100 % with the saving beside it, never a
 * hidden row. Null when the run is not slower than native (or has no attribution).
 */
export function overheadBreakdown(run: RunResult, n: number): OverheadBreakdown | null {
  const attribution = run.overheadAttribution;
  if (!attribution) return null;
  const entries = Object.entries(attribution).filter(([, cycles]) => cycles !== 0);
  const total = entries.reduce((sum, [, cycles]) => sum + cycles, 0);
  if (total <= 0) return null;
  const costs = entries.filter(([, c]) => c > 0).sort(byCyclesThenName).slice(0, n);
  const savings = entries.filter(([, c]) => c < 0).sort(byCyclesThenName).slice(0, n);
  const rest = total - [...costs, ...savings].reduce((sum, [, c]) => sum + c, 0);
  const rows: [string, number][] = [...costs, ...(rest !== 0 ? [[OTHER_MECHANISMS, rest] as [string, number]] : []), ...savings];
  const pcts = wholePercents(rows.map(([, cycles]) => (cycles / total) * 100));
  return { rows: rows.map(([mechanism, cycles], i) => ({ mechanism, cycles, share: cycles / total, pct: pcts[i] })), total };
}

/**
 * Percentages that sum to 100 rounded to whole numbers that still sum to 100: each is floored, and the units
 * left over go to the largest fractional parts (the largest-remainder method; ties to the earlier row). Plain
 * rounding of 75.7 + 16.5 + 7.7 gives 101.
 */
function wholePercents(percents: readonly number[]): number[] {
  const floors = percents.map(Math.floor);
  const left = Math.round(100 - floors.reduce((a, b) => a + b, 0));
  const byRemainder = percents.map((p, i) => i).sort((a, b) => percents[b] - floors[b] - (percents[a] - floors[a]) || a - b);
  for (const i of byRemainder.slice(0, left)) floors[i] += 1;
  return floors;
}

/** the mechanisms that add the most cycles over native, largest first (ties by name), with their share of the
 *  overhead (overheadBreakdown); empty when not slower */
export function topMechanisms(run: RunResult, n: number): MechanismShare[] {
  return (overheadBreakdown(run, n)?.rows ?? []).filter((m) => m.cycles > 0 && m.mechanism !== OTHER_MECHANISMS);
}

/** the savings against native, as one signed share of the overhead (≤ 0): what offsets the costs */
function savingsShare(run: RunResult, breakdown: OverheadBreakdown): number {
  return Object.values(run.overheadAttribution ?? {}).reduce((sum, c) => sum + Math.min(c, 0), 0) / breakdown.total;
}

/** a one-cell summary of the breakdown: the largest cost and, when savings offset the costs, their share —
 *  `event-channel 387 % (savings −290 %)`; null when the run is not slower */
export function topMechanismText(run: RunResult): string | null {
  const breakdown = overheadBreakdown(run, 1);
  const top = breakdown?.rows[0];
  if (!breakdown || !top || top.cycles <= 0 || top.mechanism === OTHER_MECHANISMS) return null;
  const savings = savingsShare(run, breakdown);
  return `${top.mechanism} ${formatSignedPct(top.pct)}${savings < 0 ? ` (savings ${formatSignedPct(Math.round(savings * 100))})` : ''}`;
}
