// A test engine whose cycles are derivable by hand: 1,000 cycles per CPUID, 5,000 per map, 100 per touched
// access with one TLB miss and 4 walk references per access; `cost` (an option) scales everything.
import type { Engine, GuestOp, RunCounters } from '../../../engines/types.ts';

export const fakeEngine: Engine = {
  id: 'fake',
  title: 'fake',
  description: 'hand-countable costs',
  mode: 'simulated',
  options: [{ name: 'cost', type: 'number', default: 1, description: 'multiplier' }],
  availability: () => ({ available: true }),
  run({ ops, options, profile }) {
    let cycles = 0;
    let misses = 0;
    for (const op of ops as Iterable<GuestOp>) {
      if (op.op === 'cpuid') cycles += 1000 * op.count;
      if (op.op === 'map') cycles += 5000;
      if (op.op === 'touch') {
        cycles += 100 * op.accesses;
        misses += op.accesses;
      }
      if (op.op === 'syscall') cycles += op.count * profile.native.syscall;
    }
    cycles *= Number(options.cost);
    const counters: RunCounters = {
      cycles: { total: cycles, guest: cycles, hypervisor: 0, host: 0, idle: 0 },
      attribution: {},
      exits: { total: 0, byReason: {} },
      hypercalls: { total: 0, byOp: {} },
      tlb: { flushes: { total: 0, byScope: {}, byCause: {} }, misses, walkRefs: 4 * misses },
      events: {},
    };
    return counters;
  },
};
