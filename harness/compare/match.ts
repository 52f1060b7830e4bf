// Pairs the runs of two results files by (workload, engine label). Runs only in HEAD are "added", runs only in
// BASE "removed": both are listed in the report, never an error.
import { UsageError } from '../errors.ts';
import type { RunResult } from '../results.ts';

export interface RunKey {
  workload: string;
  engine: string;
}

export interface RunPair {
  key: RunKey;
  base: RunResult;
  head: RunResult;
}

export interface MatchedRuns {
  pairs: RunPair[];
  added: RunKey[];
  removed: RunKey[];
}

/** `cpu/syscall · kvm:mmu=shadow`, the label a run has in every table */
export function runLabel(key: RunKey): string {
  return `${key.workload} · ${key.engine}`;
}

function index(runs: readonly RunResult[], fileName: string): Map<string, RunResult> {
  const byKey = new Map<string, RunResult>();
  for (const run of runs) {
    const id = JSON.stringify([run.workload, run.engine]);
    if (byKey.has(id)) throw new UsageError(`${fileName}: run ${runLabel(run)} appears twice`);
    byKey.set(id, run);
  }
  return byKey;
}

export function matchRuns(base: readonly RunResult[], head: readonly RunResult[], baseName: string, headName: string): MatchedRuns {
  const baseRuns = index(base, baseName);
  const headRuns = index(head, headName);
  const pairs: RunPair[] = [];
  const removed: RunKey[] = [];
  for (const [id, run] of baseRuns) {
    const other = headRuns.get(id);
    if (other) pairs.push({ key: { workload: run.workload, engine: run.engine }, base: run, head: other });
    else removed.push({ workload: run.workload, engine: run.engine });
  }
  const added = [...headRuns.entries()].filter(([id]) => !baseRuns.has(id)).map(([, r]) => ({ workload: r.workload, engine: r.engine }));
  return { pairs, added, removed };
}
