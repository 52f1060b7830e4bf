// Demand faults on fresh anonymous memory: map, write every page once, unmap, repeat. Resembles will-it-scale
// page_fault1 and lmbench lat_pagefault; each fault is a trap plus a PTE write — validated hypercalls on Xen
// PV, native under EPT. One round runs as setup, so the guest frames the measured rounds reuse (the guest's
// free list) are already backed by the host: the measured faults are the guest's, as in a VM that has run a
// while, not the host's first touch of its RAM (an EPT violation each, which setup shows).
import { defineWorkload, param } from '../params.ts';
import { MiB, SETUP_DONE, mapTouched } from '../ops.ts';

export const faultStorm = defineWorkload({
  id: 'memory/fault-storm',
  title: 'Page-fault storm on fresh memory',
  description:
    'Maps fresh anonymous memory, writes each 4 KiB page once (one demand fault each) and unmaps it, in rounds; ' +
    'will-it-scale page_fault1 / lmbench lat_pagefault.',
  params: {
    rounds: param(4, 1, 1000, 'measured map–fault–unmap rounds (after one in setup)'),
    regionMiB: param(32, 1, 4096, 'region size per round in MiB'),
  },
  perOp: (p) => ({ count: p.rounds * p.regionMiB * 256, unit: 'fault' }),
  *generate(p) {
    for (let i = 0; i <= p.rounds; i++) {
      yield* mapTouched('fresh', p.regionMiB * MiB, '4k');
      yield { op: 'unmap', region: 'fresh' };
      if (i === 0) yield SETUP_DONE;
    }
  },
});
