// The event and cycle accumulator shared by the machine model and the engines. Every cycle is charged to a
// domain (guest / hypervisor / host / idle) and a named mechanism, so the harness can explain overhead as
// per-mechanism differences to native that add up to the total (DESIGN §5).
import type { CycleDomain, FlushCause, FlushScope, RunCounters } from '../types.ts';

function bump(map: Record<string, number>, key: string, n: number): void {
  map[key] = (map[key] ?? 0) + n;
}

/** sorted copy so that serialized counters do not depend on the order events happened in */
function sorted(map: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key];
  return out;
}

export class Counters {
  readonly cycles: Record<CycleDomain, number> = { guest: 0, hypervisor: 0, host: 0, idle: 0 };
  readonly attribution: Record<string, number> = {};
  readonly exits: Record<string, number> = {};
  readonly hypercalls: Record<string, number> = {};
  readonly flushScope: Record<string, number> = {};
  readonly flushCause: Record<string, number> = {};
  readonly events: Record<string, number> = {};
  flushes = 0;
  exitTotal = 0;
  hypercallTotal = 0;
  tlbMisses = 0;
  walkRefs = 0;

  charge(domain: CycleDomain, mechanism: string, cycles: number): void {
    if (cycles === 0) return;
    this.cycles[domain] += cycles;
    bump(this.attribution, mechanism, cycles);
  }

  exit(reason: string, n = 1): void {
    this.exitTotal += n;
    bump(this.exits, reason, n);
  }

  hypercall(op: string, n = 1): void {
    this.hypercallTotal += n;
    bump(this.hypercalls, op, n);
  }

  flush(scope: FlushScope, cause: FlushCause, n = 1): void {
    this.flushes += n;
    bump(this.flushScope, scope, n);
    bump(this.flushCause, cause, n);
  }

  event(name: string, n = 1): void {
    bump(this.events, name, n);
  }

  snapshot(): RunCounters {
    const { guest, hypervisor, host, idle } = this.cycles;
    return {
      cycles: { total: guest + hypervisor + host + idle, guest, hypervisor, host, idle },
      attribution: sorted(this.attribution),
      exits: { total: this.exitTotal, byReason: sorted(this.exits) },
      hypercalls: { total: this.hypercallTotal, byOp: sorted(this.hypercalls) },
      tlb: {
        flushes: { total: this.flushes, byScope: sorted(this.flushScope), byCause: sorted(this.flushCause) },
        misses: this.tlbMisses,
        walkRefs: this.walkRefs,
      },
      events: sorted(this.events),
    };
  }
}
