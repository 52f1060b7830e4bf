// A high-resolution timer loop: sleep until the next deadline, wake, read the clock, do a little work. Every
// period re-arms the TSC-deadline timer and idles (the `timer` op halts until each tick), the costs cyclictest
// (rt-tests) measures as latency.
import { defineWorkload, param } from '../params.ts';
import { batches } from '../ops.ts';

export const timerHeavy = defineWorkload({
  id: 'cpu/timer-heavy',
  title: 'Timer-heavy loop (cyclictest-like)',
  description:
    'A periodic 10 kHz wake-up: TSC-deadline re-arm, timer interrupt, clock reads, a little work and HLT until ' +
    'the next tick; the path rt-tests cyclictest measures, where each step may exit to the hypervisor.',
  params: {
    ticks: param(20_000, 1, 10_000_000, 'timer expirations'),
    periodUs: param(100, 1, 1_000_000, 'timer period in µs'),
    workCycles: param(20_000, 0, 1e9, 'user cycles of work per wake-up'),
  },
  *generate(p) {
    for (const n of batches(p.ticks, 1000)) {
      yield { op: 'timer', periodUs: p.periodUs, ticks: n };
      yield { op: 'rdtsc', count: 2 * n }; // clock_gettime before and after the work
      yield { op: 'compute', cycles: n * p.workCycles };
    }
  },
});
