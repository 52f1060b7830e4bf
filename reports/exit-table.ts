// The rows of an exit table like `perf kvm stat report` (docs/architecture.md#exit-and-hypercall-tables) and of a hypercall table like
// `xenalyze --summary`, computed from one run or summed over several runs of one engine. Renderers
// (reports/html/exit-tables.ts, reports/markdown-exits.ts) only format these rows.
//
// Time % is each reason's share of the time spent on exits. Simulated engines charge the exit round trip (and
// the in-kernel handler, unless the engine names it separately) under the mechanism `exit:<REASON>` in
// `attribution`; those cycles are the time. A measured run has no such mechanisms; its time comes from
// `measured.exitLatency` (below) when every reason there has an average, and is unknown otherwise.
import { z } from 'zod';
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { svmExit, type SvmExit } from './svm-names.ts';
import { VMX_NAME } from './model.ts';

export const EXIT_MECHANISM_PREFIX = 'exit:';

/**
 * Optional per-reason exit latencies a measured engine may put in `measured.exitLatency` (reports/SCHEMA.md):
 * whatever statistics it has, in `unit`. Absent or malformed: the table shows counts only.
 */
const stat = z.number().finite().nonnegative().optional();
const latencySchema = z.object({
  unit: z.string(),
  byReason: z.record(z.string(), z.object({ min: stat, max: stat, avg: stat, rsePct: stat, p5: stat, p50: stat, p95: stat })),
});
export type ExitLatency = z.infer<typeof latencySchema>['byReason'][string];
export const LATENCY_STATS = ['min', 'max', 'avg', 'rsePct', 'p5', 'p50', 'p95'] as const;

export interface ExitRow {
  /** VMX reason name as counted in exits.byReason */
  reason: string;
  /** the SVM exit beside it, only for runs on AMD (see isAmdRun) */
  svm: SvmExit | null;
  samples: number;
  /** 0–100 */
  samplesPct: number;
  /** 0–100; null when the time per reason is unknown */
  timePct: number | null;
  /** measured runs with exitLatency: its statistics for this reason */
  latency: ExitLatency | null;
}

export interface ExitTable {
  rows: ExitRow[];
  total: number;
  /** the unit of the latency columns, when any row has latency */
  latencyUnit: string | null;
  /** where Time % came from */
  timeSource: 'attribution' | 'latency' | null;
  /**
   * true when some reason is not a VMX name (upper case): the paravirtual engine counts its traps into Xen
   * here under xenalyze's names (`page_fault`, `emulate privop`, `forced_invalid_op`), so the table is one of
   * traps, not VM exits
   */
  traps: boolean;
  /** an SVM column is worth showing: AMD, and some reason has an SVM counterpart */
  svmColumn: boolean;
}

function measuredLatency(run: RunResult): z.infer<typeof latencySchema> | null {
  const parsed = latencySchema.safeParse((run.measured as Record<string, unknown> | undefined)?.exitLatency);
  return parsed.success ? parsed.data : null;
}

/** AMD: the simulated engines ran an `amd*` cost profile; a measured run ran on kvm_amd */
export function isAmdRun(results: ResultsFile, run: RunResult): boolean {
  if (run.mode === 'measured') {
    const backend = (run.measured as { backend?: { module?: unknown } } | undefined)?.backend;
    return backend?.module === 'kvm_amd';
  }
  return results.profile.toLowerCase().startsWith('amd');
}

const byCountThenName = <T extends { count: number; name: string }>(a: T, b: T) =>
  b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * One engine's exits over `runs` (one run: a drill-down; several: the whole results file), most frequent
 * first. Latency statistics are shown only for a single run: percentiles of different runs do not add up.
 */
export function exitTable(runs: readonly RunResult[], amd: boolean): ExitTable {
  const samples = new Map<string, number>();
  const cycles = new Map<string, number>();
  for (const run of runs) {
    for (const [reason, n] of Object.entries(run.exits.byReason)) if (n > 0) samples.set(reason, (samples.get(reason) ?? 0) + n);
    for (const [mech, c] of Object.entries(run.attribution)) {
      if (mech.startsWith(EXIT_MECHANISM_PREFIX)) {
        const reason = mech.slice(EXIT_MECHANISM_PREFIX.length);
        cycles.set(reason, (cycles.get(reason) ?? 0) + c);
      }
    }
  }
  const total = [...samples.values()].reduce((a, b) => a + b, 0);
  const latency = runs.length === 1 ? measuredLatency(runs[0]) : null;
  const reasons = [...samples.entries()].map(([name, count]) => ({ name, count })).sort(byCountThenName).map((r) => r.name);

  let time: Map<string, number> | null = null;
  let timeSource: ExitTable['timeSource'] = null;
  const attributed = reasons.reduce((s, r) => s + (cycles.get(r) ?? 0), 0);
  if (attributed > 0) {
    time = cycles;
    timeSource = 'attribution';
  } else if (latency && reasons.every((r) => latency.byReason[r]?.avg !== undefined)) {
    time = new Map(reasons.map((r) => [r, samples.get(r)! * latency.byReason[r].avg!]));
    timeSource = 'latency';
  }
  const timeTotal = time ? reasons.reduce((s, r) => s + (time.get(r) ?? 0), 0) : 0;

  const rows = reasons.map((reason): ExitRow => ({
    reason,
    svm: amd ? svmExit(reason) : null,
    samples: samples.get(reason)!,
    samplesPct: (samples.get(reason)! / total) * 100,
    timePct: time && timeTotal > 0 ? ((time.get(reason) ?? 0) / timeTotal) * 100 : null,
    latency: latency?.byReason[reason] ?? null,
  }));
  return {
    rows, total, latencyUnit: rows.some((r) => r.latency) ? latency!.unit : null, timeSource,
    traps: reasons.some((r) => !VMX_NAME.test(r)), svmColumn: rows.some((r) => r.svm !== null),
  };
}

export interface HypercallRow {
  op: string;
  count: number;
  /** 0–100 of all hypercalls */
  sharePct: number;
}

/** hypercalls by op over `runs`, most frequent first, with their share (xenalyze's hypercall summary) */
export function hypercallTable(runs: readonly RunResult[]): { rows: HypercallRow[]; total: number } {
  const counts = new Map<string, number>();
  for (const run of runs) for (const [op, n] of Object.entries(run.hypercalls.byOp)) if (n > 0) counts.set(op, (counts.get(op) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rows = [...counts.entries()].map(([name, count]) => ({ name, count })).sort(byCountThenName)
    .map(({ name, count }) => ({ op: name, count, sharePct: (count / total) * 100 }));
  return { rows, total };
}
