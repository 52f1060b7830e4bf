// The results a report's prose states, computed from the run it describes: the span of overheads, walk
// references per TLB miss per engine, which engine has the lower overhead where, and which mechanism most often
// dominates an engine's overhead. The "How to read" text quotes these and states nothing else as a result.
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { comparedEngines, engineLabels, topMechanisms, workloadList, categories, findRun } from './model.ts';

function ok(run: RunResult | undefined): run is RunResult {
  return run !== undefined && !run.error;
}

export interface RatioPoint {
  workload: string;
  engine: string;
  /** engine cycles ÷ native cycles of the measured phase */
  ratio: number;
}

/** the smallest and largest engine ÷ native cycle ratio of the run; null without a compared run */
export function overheadSpan(results: ResultsFile): { min: RatioPoint; max: RatioPoint } | null {
  const points: RatioPoint[] = results.runs
    .filter((r) => ok(r) && r.overheadPct !== null)
    .map((r) => ({ workload: r.workload, engine: r.engine, ratio: 1 + r.overheadPct! / 100 }));
  if (points.length === 0) return null;
  const min = points.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const max = points.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return { min, max };
}

export interface RefsPerMiss {
  engine: string;
  /** walk references ÷ TLB misses of the measured phase */
  refsPerMiss: number;
}

/** walk references per TLB miss of each engine over `workloads` (every workload by default), engines in order */
export function refsPerMiss(results: ResultsFile, workloads?: readonly string[]): RefsPerMiss[] {
  const out: RefsPerMiss[] = [];
  for (const engine of engineLabels(results)) {
    const runs = results.runs.filter((r) => ok(r) && r.engine === engine && (!workloads || workloads.includes(r.workload)));
    const misses = runs.reduce((s, r) => s + r.tlb.misses, 0);
    if (misses > 0) out.push({ engine, refsPerMiss: runs.reduce((s, r) => s + r.tlb.walkRefs, 0) / misses });
  }
  return out;
}

/** the workload with the most native TLB misses in its measured phase (the run's TLB-miss case), if any */
export function missHeaviest(results: ResultsFile): string | null {
  let best: RunResult | null = null;
  for (const r of results.runs) if (ok(r) && r.engine === 'native' && r.tlb.misses > (best?.tlb.misses ?? 0)) best = r;
  return best?.workload ?? null;
}

export interface CategoryWins {
  category: string;
  /** engine → workloads of the category where it has the lowest overhead */
  wins: Map<string, string[]>;
  /** workloads where the lowest overheads tie (to 0.1 point) */
  ties: string[];
}

/** per category, which compared engine has the lowest measured-phase overhead on each workload */
export function winsByCategory(results: ResultsFile): CategoryWins[] {
  const engines = comparedEngines(results);
  if (engines.length < 2) return [];
  return categories(results).map((category) => {
    const wins = new Map<string, string[]>();
    const ties: string[] = [];
    for (const w of workloadList(results).filter((x) => x.category === category)) {
      const runs = engines.map((e) => findRun(results, w.id, e)).filter((r): r is RunResult => ok(r) && r.overheadPct !== null);
      if (runs.length < 2) continue;
      const sorted = [...runs].sort((a, b) => a.overheadPct! - b.overheadPct!);
      if (sorted[1].overheadPct! - sorted[0].overheadPct! < 0.1) ties.push(w.id);
      else wins.set(sorted[0].engine, [...(wins.get(sorted[0].engine) ?? []), w.id]);
    }
    return { category, wins, ties };
  }).filter((c) => c.wins.size > 0 || c.ties.length > 0);
}

/** per compared engine, the mechanisms that are its largest overhead most often: [mechanism, workloads] */
export function dominantMechanisms(results: ResultsFile, n = 2): { engine: string; top: [string, number][] }[] {
  return comparedEngines(results).map((engine) => {
    const counts = new Map<string, number>();
    for (const r of results.runs) {
      if (!ok(r) || r.engine !== engine) continue;
      const top = topMechanisms(r, 1)[0];
      if (top) counts.set(top.mechanism, (counts.get(top.mechanism) ?? 0) + 1);
    }
    const top = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, n);
    return { engine, top };
  }).filter((e) => e.top.length > 0);
}
