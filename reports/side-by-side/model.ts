// Several results files side by side (`hvbench report a.json b.json …`): what changed between two versions,
// two profiles or two option sets, and over a history of runs. Runs are matched by (workload, engine label),
// as `compare` matches them; every delta is the last file against the first, the files taken in the order
// given (oldest first for a history).
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { categories, comparedEngines, engineLabels, findRun, workloadList } from '../model.ts';
import { notMeaningful } from '../meaningful.ts';
import { formatCount } from '../format.ts';

export interface NamedResults {
  /** how the page names the file: the path as given */
  name: string;
  results: ResultsFile;
}

/** the counters a delta row compares beside cycles, by the name the row prints */
const COUNTERS: readonly [string, (r: RunResult) => number][] = [
  ['exits', (r) => r.exits.total],
  ['hypercalls', (r) => r.hypercalls.total],
  ['TLB flushes', (r) => r.tlb.flushes.total],
  ['TLB misses', (r) => r.tlb.misses],
  ['walk refs', (r) => r.tlb.walkRefs],
];

export interface RunDelta {
  workload: string;
  category: string;
  engine: string;
  /** the run in each file, in file order (undefined where a file lacks it) */
  runs: (RunResult | undefined)[];
  /** last − first overhead in percentage points; null unless both have one */
  overheadPts: number | null;
  /** last ÷ first cycles − 1, in percent; null unless both ran */
  cyclesPct: number | null;
  /** the mechanism whose cycles moved most between first and last, and by how much */
  mechanism: { name: string; cycles: number } | null;
  /** the counters that differ between first and last: `exits 4 → 6` */
  counters: string[];
  /** anything differs between the first and the last file: a counter, the overhead, whether it ran or failed */
  changed: boolean;
}

const ran = (r: RunResult | undefined): r is RunResult => r !== undefined && !r.error;

/** union of the files' (workload, engine) pairs: workloads and engines in order of first appearance */
export function runDeltas(files: readonly NamedResults[]): RunDelta[] {
  const workloads = new Map<string, string>();
  const engines = new Set<string>();
  for (const { results } of files) {
    for (const w of workloadList(results)) if (!workloads.has(w.id)) workloads.set(w.id, w.category);
    for (const e of engineLabels(results)) engines.add(e);
  }
  const out: RunDelta[] = [];
  for (const [workload, category] of workloads) {
    for (const engine of engines) {
      const runs = files.map((f) => findRun(f.results, workload, engine));
      if (!runs.some((r) => r !== undefined)) continue;
      out.push(delta(workload, category, engine, runs));
    }
  }
  return out;
}

function delta(workload: string, category: string, engine: string, runs: (RunResult | undefined)[]): RunDelta {
  const first = runs[0];
  const last = runs[runs.length - 1];
  const both = ran(first) && ran(last);
  const overheadPts = both && first.overheadPct !== null && last.overheadPct !== null ? last.overheadPct - first.overheadPct : null;
  const cyclesPct = both && first.cycles.total > 0 ? (last.cycles.total / first.cycles.total - 1) * 100 : null;
  let mechanism: RunDelta['mechanism'] = null;
  const counters: string[] = [];
  if (both) {
    for (const name of new Set([...Object.keys(first.attribution), ...Object.keys(last.attribution)])) {
      const moved = (last.attribution[name] ?? 0) - (first.attribution[name] ?? 0);
      if (moved !== 0 && (!mechanism || Math.abs(moved) > Math.abs(mechanism.cycles) || (Math.abs(moved) === Math.abs(mechanism.cycles) && name < mechanism.name))) {
        mechanism = { name, cycles: moved };
      }
    }
    for (const [name, pick] of COUNTERS) if (pick(first) !== pick(last)) counters.push(`${name} ${formatCount(pick(first))} → ${formatCount(pick(last))}`);
  }
  const changed = both
    ? last.cycles.total !== first.cycles.total || mechanism !== null || counters.length > 0 || (overheadPts !== null && overheadPts !== 0)
    : first?.error !== last?.error || (first === undefined) !== (last === undefined);
  return { workload, category, engine, runs, overheadPts, cyclesPct, mechanism, counters, changed };
}

/**
 * The headline metric of a category per engine and file: the geometric mean over the category's workloads of
 * engine cycles ÷ native cycles (1 = native), leaving out runs not meaningful on the engine
 * (reports/meaningful.ts); null where the file has none. `overheadOf` reads a run's overhead (another seed's,
 * reports/seeds/model.ts).
 */
export function categoryGeomean(results: ResultsFile, category: string, engine: string,
  overheadOf: (run: RunResult) => number | null = (run) => run.overheadPct): number | null {
  let n = 0, logSum = 0;
  for (const w of workloadList(results).filter((x) => x.category === category)) {
    const run = findRun(results, w.id, engine);
    const overhead = ran(run) ? overheadOf(run) : null;
    if (!ran(run) || overhead === null || notMeaningful(results, run) || overhead <= -100) continue;
    n++;
    logSum += Math.log(1 + overhead / 100);
  }
  return n > 0 ? Math.exp(logSum / n) : null;
}

/** categories and compared engines over every file, in order of first appearance */
export function trendAxes(files: readonly NamedResults[]): { categories: string[]; engines: string[] } {
  return {
    categories: [...new Set(files.flatMap((f) => categories(f.results)))],
    engines: [...new Set(files.flatMap((f) => comparedEngines(f.results)))],
  };
}
