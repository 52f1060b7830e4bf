// Workload parameters: typed definitions for built-ins, and validation of user overrides (CLI or API).
import { UsageError } from '../harness/errors.ts';
import type { Rng } from '../engines/rng.ts';
import type { GuestOp } from '../engines/types.ts';
import type { Category, ParamSpec, Params, PerOp, Workload } from './types.ts';
import { closeMatches } from './suggest.ts';

export function param(defaultValue: number, min: number, max: number, description: string): ParamSpec {
  return { default: defaultValue, min, max, description };
}

/** a built-in workload whose generator sees its own parameter names as typed fields */
export function defineWorkload<K extends string>(w: {
  id: `${Category}/${string}`;
  title: string;
  description: string;
  params: Record<K, ParamSpec>;
  generate(params: Record<K, number>, rng: Rng): Iterable<GuestOp>;
  perOp?(params: Record<K, number>): PerOp;
  engineOptions?: Workload['engineOptions'];
  notMeaningfulOnPv?: string;
}): Workload {
  const category = w.id.slice(0, w.id.indexOf('/')) as Category;
  const { perOp } = w;
  return {
    ...w,
    category,
    generate: (params, rng) => w.generate(params as Record<K, number>, rng),
    perOp: perOp && ((params) => perOp(params as Record<K, number>)),
  };
}

/** defaults overlaid with `overrides`; strings (from the command line) must be plain integers */
export function applyParams(workload: Workload, overrides: Record<string, number | string> = {}): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(workload.params)) out[name] = spec.default;
  for (const [name, raw] of Object.entries(overrides)) {
    const spec = workload.params[name];
    if (!spec) {
      const known = Object.keys(workload.params);
      const near = closeMatches(name, known);
      throw new UsageError(
        `${workload.id}: unknown parameter "${name}"` +
          (near.length ? `; did you mean ${near.join(', ')}?` : '') +
          ` (parameters: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
      throw new UsageError(
        `${workload.id}: parameter "${name}" must be an integer from ${spec.min} to ${spec.max} (got ${JSON.stringify(raw)})`,
      );
    }
    out[name] = value;
  }
  return out;
}
