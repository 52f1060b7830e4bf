// What a workload is (DESIGN §3): a seeded generator of guest operations, written once and run unchanged on
// every engine. Same id + params + seed → same operation stream on every machine.
import type { GuestOp } from '../engines/types.ts';
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
  /** the JSON file a user-defined workload came from; absent for built-ins */
  file?: string;
}
