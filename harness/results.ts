// The results file (docs/architecture.md#results-file): one JSON document per `hvbench run`, schema `hvbench/results@1`. Every other
// output (CSV, HTML, PNG, Markdown, `compare`) is rendered from it. Documented field by field in
// reports/SCHEMA.md.
import type { RunCounters, OptionValue } from '../engines/types.ts';
import type { PowerResults } from '../engines/power/types.ts';
import type { SweepRecord } from './sweep.ts';
import type { SeedsRecord } from './seeds.ts';

export const RESULTS_SCHEMA = 'hvbench/results@1';
/** `sha256:` and 64 hex digits: harness/profile-hash.ts */
export const PROFILE_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** wall-clock cost of simulating (or, for measured engines, running) one pair: host-dependent, noisy */
export interface TimingStats {
  meanMs: number;
  p75Ms: number;
  p99Ms: number;
  /** relative margin of error of the mean, percent (95 % Student t, as tinybench reports it) */
  rme: number;
  /** number of samples */
  samples: number;
  /** the samples tinybench retained, in ms, so `compare` can test significance */
  samplesMs: number[];
}

export interface RunResult extends RunCounters {
  /** workload id `category/name` */
  workload: string;
  category: string;
  title: string;
  /** engine label including non-default options, e.g. `kvm:mmu=shadow` */
  engine: string;
  engineId: string;
  mode: 'simulated' | 'measured';
  options: Record<string, OptionValue>;
  params: Record<string, OptionValue>;
  /** (engine − native) / native × 100 for the same workload; null for native or when native did not run */
  overheadPct: number | null;
  /** per-mechanism cycles of this run minus native's: explains overheadPct, sums to cycles.total − native */
  overheadAttribution: Record<string, number> | null;
  timing: TimingStats | null;
  /** joules of the run's core at P0 from its cycles by domain (engines/power/run-energy.ts); absent when it failed */
  energyJ?: number;
  /** set when the run failed; the counters are then zero */
  error?: string;
  /** measured engines: anything the engine reports beside the shared counters (backend, per-op TSC costs) */
  measured?: Record<string, unknown>;
}

export interface WorkloadInfo {
  id: string;
  category: string;
  title: string;
  description: string;
  /** what the measured phase repeats: cycles per operation = a run's cycles.total / count */
  perOp?: { count: number; unit: string };
  /** why the workload measures nothing on xen in PV mode (workloads/types.ts Workload.notMeaningfulOnPv) */
  notMeaningfulOnPv?: string;
}

export interface EngineInfoRecord {
  label: string;
  id: string;
  title: string;
  mode: 'simulated' | 'measured';
  options: Record<string, OptionValue>;
}

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  tool: { name: 'hvbench'; version: string };
  createdAt: string;
  host: { platform: string; arch: string; cpus: number; cpuModel: string; node: string };
  profile: string;
  /** the cost profile's content (harness/profile-hash.ts): two files may name the same profile id with
   *  different costs. Optional: files written before it was recorded lack it. */
  profileHash?: string;
  /** the profile's clock, to turn cycles into time (ms per GiB forked); absent in older files */
  clockGhz?: number;
  seed: number;
  engines: EngineInfoRecord[];
  workloads: WorkloadInfo[];
  runs: RunResult[];
  /** `--sweep`: the parameter scans and which engine column holds which values (harness/sweep.ts) */
  sweeps?: SweepRecord[];
  /** `--seeds`: every seed's value of each run's headline metrics, with a 95 % interval (harness/seeds.ts) */
  seeds?: SeedsRecord;
  /** the power-management section (docs/architecture.md#power), present when power scenarios ran */
  power?: PowerResults;
}
