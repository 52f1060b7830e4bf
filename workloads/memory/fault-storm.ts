// Demand faults on fresh anonymous memory: map, write every page once, unmap, repeat. Resembles will-it-scale
// page_fault1 and lmbench lat_pagefault; each fault is a trap plus a PTE write — validated hypercalls on Xen
// PV, an EPT violation the first time a guest-physical page is backed on KVM.
import { defineWorkload, param } from '../params.ts';
import { MiB, mapTouched } from '../ops.ts';

export const faultStorm = defineWorkload({
  id: 'memory/fault-storm',
  title: 'Page-fault storm on fresh memory',
  description:
    'Maps fresh anonymous memory, writes each 4 KiB page once (one demand fault each) and unmaps it, in rounds; ' +
    'will-it-scale page_fault1 / lmbench lat_pagefault.',
  params: {
    rounds: param(4, 1, 1000, 'map–fault–unmap rounds'),
    regionMiB: param(32, 1, 4096, 'region size per round in MiB'),
  },
  *generate(p) {
    for (let i = 0; i < p.rounds; i++) {
      yield* mapTouched('fresh', p.regionMiB * MiB, '4k');
      yield { op: 'unmap', region: 'fresh' };
    }
  },
});
