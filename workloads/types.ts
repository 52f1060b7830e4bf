// What a workload is (docs/architecture.md#operations): a seeded generator of guest operations, written once and run unchanged on
// every engine. Same id + params + seed → same operation stream on every machine.
import type { GuestOp, OptionValue } from '../engines/types.ts';
import type { Rng } from '../engines/rng.ts';

export const CATEGORIES = ['cpu', 'memory', 'io', 'micro', 'power'] as const;
export type Category = (typeof CATEGORIES)[number];

/** one tunable of a workload; every parameter is an integer (a count, a size, a period) within bounds */
export interface ParamSpec {
  default: number;
  description: string;
  min: number;
  max: number;
}

export type Params = Record<string, number>;

export interface Workload {
  /** `category/name` */
  id: string;
  category: Category;
  title: string;
  /** one or two sentences: what it stresses and which published benchmark it resembles */
  description: string;
  params: Record<string, ParamSpec>;
  /** yields operations with counts, so streams stay short; `params` are complete (see applyParams) */
  generate(params: Params, rng: Rng): Iterable<GuestOp>;
  /**
   * the operation the measured phase repeats and how often, so results read as cycles per operation beside
   * native (kvm-unit-tests x86/vmexit and HyperBench report cycles per iteration); e.g. 10,000 × `cpuid`
   */
  perOp?(params: Params): PerOp;
  /**
   * engine options the workload fixes, by engine id, because they are part of what it names: the host page
   * size behind guest RAM of `memory/random-4k-4k` is kvm's `thp=off`. They override the engine spec's
   * options for this workload only; engines without the option are unaffected.
   */
  engineOptions?: Readonly<Record<string, Readonly<Record<string, OptionValue>>>>;
  /**
   * why the workload measures nothing on xen in PV mode: it is built on an instruction a PV domU cannot execute
   * (port I/O without I/O privilege, device MMIO without a device model, the local APIC's TSC_DEADLINE MSR), so
   * there each one is an exception Xen bounces to the guest kernel. The results file records it
   * (WorkloadInfo.notMeaningfulOnPv) and ratio charts leave such runs out (reports/meaningful.ts)
   */
  notMeaningfulOnPv?: string;
  /** the JSON file a user-defined workload came from; absent for built-ins */
  file?: string;
}

/** `count` repetitions of one `unit` (an operation like `cpuid`, or a size like `GiB` forked) */
export interface PerOp {
  count: number;
  unit: string;
}
