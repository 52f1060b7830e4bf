// The ChargeTrace `hvbench explain` hands an engine (engines/types.ts): the charges and counts of the measured
// phase, in the order the engine's charging path makes them, become a sequence of entries. Consecutive charges
// under the same domain and mechanism are one step (the levels of one walk, a loop's repeated charge);
// consecutive counts are one entry between the steps they happened between, so nothing is assigned to a step
// by guesswork: an exit counted before its handler's charge reads as `cpuid · exit CPUID · exit:CPUID`.
import type { ChargeTrace, CycleDomain } from '../../engines/types.ts';

/** cycles charged under one mechanism */
export interface ChargeStep {
  kind: 'charge';
  domain: CycleDomain;
  mechanism: string;
  cycles: number;
}

/** what was counted between two steps: `exit CPUID`, `hypercall iret`, `flush nonGlobal/cr3`,
 *  `event cr3Writes`, `tlb misses`, `walk refs`, each with its number, in the order first counted */
export interface CountEntry {
  kind: 'count';
  counts: Record<string, number>;
}

export type TraceEntry = ChargeStep | CountEntry;

export class StepRecorder implements ChargeTrace {
  readonly entries: TraceEntry[] = [];
  private tlbMisses = -1;
  private walkRefs = -1;

  reset(): void {
    this.entries.length = 0;
    this.tlbMisses = -1;
    this.walkRefs = -1;
  }

  charge(domain: CycleDomain, mechanism: string, cycles: number, tlbMisses: number, walkRefs: number): void {
    // the MMU counts misses and walk references in plain fields just before it charges the walk: the change
    // since the last charge is counted here (the phase's first charge only sets the starting point)
    if (this.tlbMisses >= 0) {
      this.add('tlb misses', tlbMisses - this.tlbMisses);
      this.add('walk refs', walkRefs - this.walkRefs);
    }
    this.tlbMisses = tlbMisses;
    this.walkRefs = walkRefs;
    const last = this.entries.at(-1);
    if (last?.kind === 'charge' && last.domain === domain && last.mechanism === mechanism) last.cycles += cycles;
    else this.entries.push({ kind: 'charge', domain, mechanism, cycles });
  }

  count(kind: 'exit' | 'hypercall' | 'flush' | 'event', name: string, n: number): void {
    this.add(`${kind} ${name}`, n);
  }

  private add(key: string, n: number): void {
    if (n === 0) return;
    let last = this.entries.at(-1);
    if (last?.kind !== 'count') {
      last = { kind: 'count', counts: {} };
      this.entries.push(last);
    }
    last.counts[key] = (last.counts[key] ?? 0) + n;
  }
}
