// Pairs what two results files measured, by key: runs by (workload, engine label), power runs by (scenario,
// engine, policy). One mechanism, parameterised by the key. Items only in HEAD are "added", only in BASE
// "removed": both are listed in the report, never an error; a key twice in one file is bad input.
import { UsageError } from '../errors.ts';
import type { RunResult } from '../results.ts';

export interface RunKey {
  workload: string;
  engine: string;
}

export interface PowerKey {
  scenario: string;
  /** the engine spec's label: `xen`, `kvm`, `xen:sched=credit` */
  engine: string;
  policy: string;
}

/** what a judged row is about: a (workload, engine) run or a power run */
export type SubjectKey = RunKey | PowerKey;

export interface Pair<K, T> {
  key: K;
  base: T;
  head: T;
}

export type RunPair = Pair<RunKey, RunResult>;

export interface Matched<K, T> {
  pairs: Pair<K, T>[];
  added: K[];
  removed: K[];
}

export type MatchedRuns = Matched<RunKey, RunResult>;

/** `cpu/syscall · kvm:mmu=shadow`, the label a run has in every table */
export function runLabel(key: RunKey): string {
  return `${key.workload} · ${key.engine}`;
}

/** `hagimont-capped · xen · dvfs-aware-credits`, the label a power run has in every table */
export function powerLabel(key: PowerKey): string {
  return `${key.scenario} · ${key.engine} · ${key.policy}`;
}

export function isPowerKey(key: SubjectKey): key is PowerKey {
  return 'scenario' in key;
}

export function subjectLabel(key: SubjectKey): string {
  return isPowerKey(key) ? powerLabel(key) : runLabel(key);
}

export interface KeySpec<K, T> {
  /** "run", "power run": for the duplicate-key message */
  what: string;
  keyOf(item: T): K;
  label(key: K): string;
}

function index<K, T>(items: readonly T[], spec: KeySpec<K, T>, fileName: string): Map<string, { key: K; item: T }> {
  const byKey = new Map<string, { key: K; item: T }>();
  for (const item of items) {
    const key = spec.keyOf(item);
    const id = JSON.stringify(key);
    if (byKey.has(id)) throw new UsageError(`${fileName}: ${spec.what} ${spec.label(key)} appears twice`);
    byKey.set(id, { key, item });
  }
  return byKey;
}

export function matchBy<K, T>(base: readonly T[], head: readonly T[], spec: KeySpec<K, T>, baseName: string, headName: string): Matched<K, T> {
  const baseItems = index(base, spec, baseName);
  const headItems = index(head, spec, headName);
  const pairs: Pair<K, T>[] = [];
  const removed: K[] = [];
  for (const [id, { key, item }] of baseItems) {
    const other = headItems.get(id);
    if (other) pairs.push({ key, base: item, head: other.item });
    else removed.push(key);
  }
  const added = [...headItems.entries()].filter(([id]) => !baseItems.has(id)).map(([, { key }]) => key);
  return { pairs, added, removed };
}

export const RUN_KEY: KeySpec<RunKey, RunResult> = {
  what: 'run',
  keyOf: (run) => ({ workload: run.workload, engine: run.engine }),
  label: runLabel,
};

export function matchRuns(base: readonly RunResult[], head: readonly RunResult[], baseName: string, headName: string): MatchedRuns {
  return matchBy(base, head, RUN_KEY, baseName, headName);
}
