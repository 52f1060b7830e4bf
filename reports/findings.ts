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

export interface ShadowCacheStory {
  workload: string;
  /** context switches in the measured phase */
  switches: number;
  /** cycles per context switch of the measured phase: native, EPT, shadow with and without the cache */
  native: number;
  ept: number | null;
  on: number;
  off: number;
  /** without the cache: shadow faults and shadow pages built per switch */
  offFaults: number;
  offPages: number;
  /** with the cache: shadow faults per switch, and write-protect exits in the whole run (setup included) */
  onFaults: number;
  onWriteProtect: number;
  /** per switch, the mechanisms that make off dearer than on, largest first: [mechanism, cycles per switch] */
  rebuild: [string, number][];
  /** per switch, the VM exits of shadow paging with the cache (the CR3 write's) and under EPT */
  onExits: number;
  eptExits: number | null;
  /** xen:mode=hvm when it ran on Xen's shadow paging (a CPU without EPT): per switch its cycles, shadow fault
   *  fix-ups and exits; in the whole run (setup included) its unsyncs, out-of-sync evictions and resyncs */
  xen: { cycles: number; fixups: number; exits: number; unsyncs: number; evictions: number; resyncs: number } | null;
}

/** the shadow-cache comparison on memory/ctx-switch when the run has kvm:mmu=shadow with shadowcache on and off */
export function shadowCacheStory(results: ResultsFile, workload = 'memory/ctx-switch'): ShadowCacheStory | null {
  const kvm = results.runs.filter((r) => ok(r) && r.workload === workload && r.engineId === 'kvm');
  const shadow = (cache: string) => kvm.find((r) => r.options.mmu === 'shadow' && r.options.shadowcache === cache);
  const on = shadow('on');
  const off = shadow('off');
  const native = results.runs.find((r) => ok(r) && r.workload === workload && r.engine === 'native');
  const ept = kvm.find((r) => r.options.mmu === 'ept');
  const switches = on?.events.contextSwitches ?? 0;
  if (!on || !off || !native || switches === 0) return null;
  const per = (n: number) => n / switches;
  const events = (r: RunResult, name: string) => (r.events[name] ?? 0) + (r.setup?.events[name] ?? 0);
  const xen = results.runs.find((r) => ok(r) && r.workload === workload && r.engineId === 'xen' && r.options.mode === 'hvm' && events(r, 'shadow:promote') > 0);
  const rebuild = Object.keys(off.attribution)
    .map((m): [string, number] => [m, per(off.attribution[m] - (on.attribution[m] ?? 0))])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4);
  return {
    workload,
    switches,
    native: per(native.cycles.total),
    ept: ept ? per(ept.cycles.total) : null,
    on: per(on.cycles.total),
    off: per(off.cycles.total),
    offFaults: per(off.events.shadowFaults ?? 0),
    offPages: per(off.events.shadowPages ?? 0),
    onFaults: per(on.events.shadowFaults ?? 0),
    onWriteProtect: events(on, 'shadowWriteProtectExits'),
    rebuild,
    onExits: per(on.exits.total),
    eptExits: ept ? per(ept.exits.total) : null,
    xen: xen
      ? {
          cycles: per(xen.cycles.total),
          fixups: per(xen.events['shadow:fixup'] ?? 0),
          exits: per(xen.exits.total),
          unsyncs: events(xen, 'shadow:unsync'),
          evictions: events(xen, 'shadow:oos-evict'),
          resyncs: events(xen, 'shadow:resync'),
        }
      : null,
  };
}
