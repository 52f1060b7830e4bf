// Arithmetic on the counters of a phase: the measured phase is the whole run minus the snapshot taken at the
// end of setup (the machine keeps counting through both), and the whole run is the sum of the two phases.
import type { PhaseCounters } from '../types.ts';

/** a ± b per name; names whose result is 0 are left out, keys sorted (as Counters.snapshot writes them) */
function combineMaps(a: Record<string, number>, b: Record<string, number>, sign: 1 | -1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const value = (a[key] ?? 0) + sign * (b[key] ?? 0);
    if (value !== 0) out[key] = value;
  }
  return out;
}

function combine(a: PhaseCounters, b: PhaseCounters, sign: 1 | -1): PhaseCounters {
  const guest = a.cycles.guest + sign * b.cycles.guest;
  const hypervisor = a.cycles.hypervisor + sign * b.cycles.hypervisor;
  const host = a.cycles.host + sign * b.cycles.host;
  const idle = a.cycles.idle + sign * b.cycles.idle;
  const fa = a.tlb.flushes;
  const fb = b.tlb.flushes;
  return {
    cycles: { total: guest + hypervisor + host + idle, guest, hypervisor, host, idle },
    attribution: combineMaps(a.attribution, b.attribution, sign),
    exits: { total: a.exits.total + sign * b.exits.total, byReason: combineMaps(a.exits.byReason, b.exits.byReason, sign) },
    hypercalls: { total: a.hypercalls.total + sign * b.hypercalls.total, byOp: combineMaps(a.hypercalls.byOp, b.hypercalls.byOp, sign) },
    tlb: {
      flushes: {
        total: fa.total + sign * fb.total,
        byScope: combineMaps(fa.byScope, fb.byScope, sign),
        byCause: combineMaps(fa.byCause, fb.byCause, sign),
      },
      misses: a.tlb.misses + sign * b.tlb.misses,
      walkRefs: a.tlb.walkRefs + sign * b.tlb.walkRefs,
    },
    events: combineMaps(a.events, b.events, sign),
  };
}

/** the counters of what happened after `setup` was taken, `whole` being taken at the end */
export function since(whole: PhaseCounters, setup: PhaseCounters): PhaseCounters {
  return combine(whole, setup, -1);
}

/** the whole run of counters that hold the measured phase beside `setup` (just them when there is none) */
export function wholeRun(counters: PhaseCounters & { setup?: PhaseCounters }): PhaseCounters {
  const { cycles, attribution, exits, hypercalls, tlb, events } = counters;
  const measured = { cycles, attribution, exits, hypercalls, tlb, events };
  return counters.setup ? combine(measured, counters.setup, 1) : measured;
}
