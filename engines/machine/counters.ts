// The event and cycle accumulator shared by the machine model and the engines. Every cycle is charged to a
// domain (guest / hypervisor / host / idle) and a named mechanism, so the harness can explain overhead as
// per-mechanism differences to native that add up to the total (docs/architecture.md#attribution).
import type { ChargeTrace, CycleDomain, FlushCause, FlushScope, PhaseCounters, RunCounters } from '../types.ts';
import { since } from './phase-counters.ts';

/**
 * Sums by name: a Map from name to a slot of a typed array. Engines count by string name on every operation, and
 * one Map lookup costs about half of a keyed load plus keyed store into a many-keyed object. Each name's sum
 * receives the same additions in the same order as `map[key] = (map[key] ?? 0) + n` did, starting from 0.
 */
class Tally {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private sums = new Float64Array(16);
  /** the last name seen per name length (mod 8) and its slot: most counts hit here without hashing */
  private readonly recentNames: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  private readonly recentSlots = new Int32Array(8);

  add(name: string, n: number): void {
    const h = name.length & 7;
    let slot: number;
    if (this.recentNames[h] === name) {
      slot = this.recentSlots[h];
    } else {
      const known = this.slots.get(name);
      slot = known === undefined ? this.slotFor(name) : known;
      this.recentNames[h] = name;
      this.recentSlots[h] = slot;
    }
    this.sums[slot] += n;
  }

  /** the slot of `name`, created (sum 0, after the names already seen) if new */
  slotFor(name: string): number {
    const known = this.slots.get(name);
    if (known !== undefined) return known;
    const slot = this.names.length;
    if (slot === this.sums.length) {
      const grown = new Float64Array(slot * 2);
      grown.set(this.sums);
      this.sums = grown;
    }
    this.slots.set(name, slot);
    this.names.push(name);
    return slot;
  }

  set(slot: number, value: number): void {
    this.sums[slot] = value;
  }

  /** a plain object of the sums, keys in the order first added */
  record(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i]] = this.sums[i];
    return out;
  }
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
export const HOT_MECHANISMS = ['memory-access', 'tlb-l2', 'page-walk', 'nested-walk', 'data-cache'] as const;
export const HOT_MEMORY_ACCESS = 0;
export const HOT_TLB_L2 = 1;
export const HOT_PAGE_WALK = 2;
export const HOT_NESTED_WALK = 3;
/** a data access's latency beyond the L1 hit: served by the last-level cache or DRAM (mmu.ts) */
export const HOT_DATA_CACHE = 4;

function hotSlot(mechanism: string): number {
  switch (mechanism) {
    case 'memory-access': return HOT_MEMORY_ACCESS;
    case 'tlb-l2': return HOT_TLB_L2;
    case 'page-walk': return HOT_PAGE_WALK;
    case 'nested-walk': return HOT_NESTED_WALK;
    case 'data-cache': return HOT_DATA_CACHE;
    default: return -1;
  }
}

export class Counters {
  readonly cycles: Record<CycleDomain, number> = { guest: 0, hypervisor: 0, host: 0, idle: 0 };
  private readonly attributionTally = new Tally();
  private readonly exitTally = new Tally();
  private readonly hypercallTally = new Tally();
  private readonly flushScopeTally = new Tally();
  private readonly flushCauseTally = new Tally();
  private readonly eventTally = new Tally();
  /** attribution of HOT_MECHANISMS, and whether each was ever charged (a key exists only once charged) */
  private readonly hot = new Float64Array(HOT_MECHANISMS.length);
  private readonly hotCharged = new Uint8Array(HOT_MECHANISMS.length);
  flushes = 0;
  exitTotal = 0;
  hypercallTotal = 0;
  tlbMisses = 0;
  walkRefs = 0;
  /** data accesses served by the last-level cache and by DRAM (mmu.ts), reported as events `llcLoads` and
   *  `dramLoads`: plain fields, as they count on the hot path */
  llcLoads = 0;
  dramLoads = 0;
  /** `hvbench explain`'s listener (engines/guest/run.ts sets it for the measured phase); null in a normal run,
   *  where it costs one comparison per charge or count */
  trace: ChargeTrace | null = null;

  /** cycles by mechanism, keys in the order first charged (a copy: counting goes through the methods) */
  get attribution(): Record<string, number> {
    const tally = this.attributionTally;
    for (let slot = 0; slot < HOT_MECHANISMS.length; slot++) {
      if (this.hotCharged[slot] !== 0) tally.set(tally.slotFor(HOT_MECHANISMS[slot]), this.hot[slot]);
    }
    return tally.record();
  }

  /** exits by reason (a copy) */
  get exits(): Record<string, number> {
    return this.exitTally.record();
  }

  /** hypercalls by operation (a copy) */
  get hypercalls(): Record<string, number> {
    return this.hypercallTally.record();
  }

  /** flushes by scope (a copy) */
  get flushScope(): Record<string, number> {
    return this.flushScopeTally.record();
  }

  /** flushes by cause (a copy) */
  get flushCause(): Record<string, number> {
    return this.flushCauseTally.record();
  }

  /** named events (a copy) */
  get events(): Record<string, number> {
    const events = this.eventTally.record();
    if (this.llcLoads !== 0) events.llcLoads = this.llcLoads;
    if (this.dramLoads !== 0) events.dramLoads = this.dramLoads;
    return events;
  }

  charge(domain: CycleDomain, mechanism: string, cycles: number): void {
    if (cycles === 0) return;
    const c = this.cycles;
    // named stores rather than one keyed store whose key varies
    switch (domain) {
      case 'guest': c.guest += cycles; break;
      case 'hypervisor': c.hypervisor += cycles; break;
      case 'host': c.host += cycles; break;
      case 'idle': c.idle += cycles; break;
      default: (c as Record<string, number>)[domain as string] += cycles;
    }
    const slot = hotSlot(mechanism);
    if (slot >= 0) this.chargeHot(slot, cycles);
    else this.attributionTally.add(mechanism, cycles);
    if (this.trace !== null) this.trace.charge(domain, mechanism, cycles, this.tlbMisses, this.walkRefs);
  }

  /** charge the guest under HOT_MECHANISMS[slot]: what charge('guest', name, cycles) does, without the lookup */
  chargeGuestHot(slot: number, cycles: number): void {
    if (cycles === 0) return;
    this.cycles.guest += cycles;
    this.chargeHot(slot, cycles);
    if (this.trace !== null) this.trace.charge('guest', HOT_MECHANISMS[slot], cycles, this.tlbMisses, this.walkRefs);
  }

  private chargeHot(slot: number, cycles: number): void {
    if (this.hotCharged[slot] === 0) {
      this.hotCharged[slot] = 1;
      // keep the key's place in first-charged order
      this.attributionTally.slotFor(HOT_MECHANISMS[slot]);
    }
    this.hot[slot] += cycles;
  }

  exit(reason: string, n = 1): void {
    this.exitTotal += n;
    this.exitTally.add(reason, n);
    if (this.trace !== null) this.trace.count('exit', reason, n);
  }

  hypercall(op: string, n = 1): void {
    this.hypercallTotal += n;
    this.hypercallTally.add(op, n);
    if (this.trace !== null) this.trace.count('hypercall', op, n);
  }

  flush(scope: FlushScope, cause: FlushCause, n = 1): void {
    this.flushes += n;
    this.flushScopeTally.add(scope, n);
    this.flushCauseTally.add(cause, n);
    if (this.trace !== null) this.trace.count('flush', `${scope}/${cause}`, n);
  }

  event(name: string, n = 1): void {
    this.eventTally.add(name, n);
    if (this.trace !== null) this.trace.count('event', name, n);
  }

  /** the counters at the end of setup, once markSetup() was called */
  private setup: PhaseCounters | null = null;

  /** setup ends here: what is counted from now on is the measured phase (the last call wins) */
  markSetup(): void {
    this.setup = this.whole();
  }

  /** the measured phase, and the setup phase apart when markSetup() was called */
  snapshot(): RunCounters {
    const whole = this.whole();
    return this.setup === null ? whole : { ...since(whole, this.setup), setup: this.setup };
  }

  private whole(): PhaseCounters {
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
