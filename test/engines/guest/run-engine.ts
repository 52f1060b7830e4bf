// Test helper: run an op sequence on a built-in engine spec, and the counters an op sequence adds on top of a
// prefix (so boot and setup costs, which differ per engine, drop out of hand-computed counts).
import type { GuestOp, RunCounters } from '../../../engines/types.ts';
import { builtinEngines, resolveEngine } from '../../../engines/registry.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

export function run(spec: string, ops: GuestOp[], profile = 'intel-modern', seed = 7): RunCounters {
  const p = getProfile(profile);
  const { engine, options } = resolveEngine(spec, builtinEngines(), p);
  return engine.run({ ops, profile: p, options, seed }) as RunCounters;
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (a[k] ?? 0) - (b[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export interface Delta {
  cycles: number;
  attribution: Record<string, number>;
  exits: Record<string, number>;
  hypercalls: Record<string, number>;
  flushScope: Record<string, number>;
  flushCause: Record<string, number>;
  events: Record<string, number>;
  misses: number;
  walkRefs: number;
}

/** counters of `prefix` + `ops` minus counters of `prefix` alone */
export function delta(spec: string, prefix: GuestOp[], ops: GuestOp[], profile = 'intel-modern'): Delta {
  const a = run(spec, [...prefix, ...ops], profile);
  const b = run(spec, prefix, profile);
  return {
    cycles: a.cycles.total - b.cycles.total,
    attribution: diff(a.attribution, b.attribution),
    exits: diff(a.exits.byReason, b.exits.byReason),
    hypercalls: diff(a.hypercalls.byOp, b.hypercalls.byOp),
    flushScope: diff(a.tlb.flushes.byScope as Record<string, number>, b.tlb.flushes.byScope as Record<string, number>),
    flushCause: diff(a.tlb.flushes.byCause as Record<string, number>, b.tlb.flushes.byCause as Record<string, number>),
    events: diff(a.events, b.events),
    misses: a.tlb.misses - b.tlb.misses,
    walkRefs: a.tlb.walkRefs - b.tlb.walkRefs,
  };
}
