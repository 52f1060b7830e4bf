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

/**
 * The mechanisms the MMU charges on every simulated access. Their attribution is summed in a typed array (a
 * keyed store into a many-keyed object per access dominated the hot path) and written into `attribution` when
 * it is read. Every charge to one of these names, from anywhere, goes to its slot, so each sum receives the same
 * additions in the same order as before and stays bit-identical.
 */
export const HOT_MECHANISMS = ['memory-access', 'tlb-l2', 'page-walk', 'nested-walk'] as const;
export const HOT_MEMORY_ACCESS = 0;
export const HOT_TLB_L2 = 1;
export const HOT_PAGE_WALK = 2;
export const HOT_NESTED_WALK = 3;

function hotSlot(mechanism: string): number {
  switch (mechanism) {
    case 'memory-access': return HOT_MEMORY_ACCESS;
    case 'tlb-l2': return HOT_TLB_L2;
    case 'page-walk': return HOT_PAGE_WALK;
    case 'nested-walk': return HOT_NESTED_WALK;
    default: return -1;
  }
}

export class Counters {
  readonly cycles: Record<CycleDomain, number> = { guest: 0, hypervisor: 0, host: 0, idle: 0 };
  private readonly attributionMap: Record<string, number> = {};
  /** attribution of HOT_MECHANISMS, and whether each was ever charged (a key exists only once charged) */
  private readonly hot = new Float64Array(HOT_MECHANISMS.length);
  private readonly hotCharged = new Uint8Array(HOT_MECHANISMS.length);
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

  /** cycles by mechanism, keys in the order first charged */
  get attribution(): Record<string, number> {
    const map = this.attributionMap;
    for (let slot = 0; slot < HOT_MECHANISMS.length; slot++) {
      if (this.hotCharged[slot] !== 0) map[HOT_MECHANISMS[slot]] = this.hot[slot];
    }
    return map;
  }

  charge(domain: CycleDomain, mechanism: string, cycles: number): void {
    if (cycles === 0) return;
    this.cycles[domain] += cycles;
    const slot = hotSlot(mechanism);
    if (slot >= 0) this.chargeHot(slot, cycles);
    else bump(this.attributionMap, mechanism, cycles);
  }

  /** charge the guest under HOT_MECHANISMS[slot]: what charge('guest', name, cycles) does, without the lookup */
  chargeGuestHot(slot: number, cycles: number): void {
    if (cycles === 0) return;
    this.cycles.guest += cycles;
    this.chargeHot(slot, cycles);
  }

  private chargeHot(slot: number, cycles: number): void {
    if (this.hotCharged[slot] === 0) {
      this.hotCharged[slot] = 1;
      // keep the key's place in first-charged order, as bump() would
      this.attributionMap[HOT_MECHANISMS[slot]] = 0;
    }
    this.hot[slot] += cycles;
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
