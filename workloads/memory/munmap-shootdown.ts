// A multi-threaded process running on several vCPUs unmaps memory it has touched: the other vCPUs must drop
// their TLB entries by IPI (a TLB shootdown). On KVM each IPI may exit; on Xen PV it is an mmuext_op
// TLB_FLUSH_MULTI. The same loop serves the memory suite and HyperBench's micro-benchmark.
import { defineWorkload, param } from '../params.ts';
import { KiB, mapTouched } from '../ops.ts';
import type { Category, Workload } from '../types.ts';

export function shootdownLoop(w: {
  id: `${Category}/${string}`;
  title: string;
  description: string;
  defaults: { iterations: number; pages: number; cpus: number };
}): Workload {
  return defineWorkload({
    id: w.id,
    title: w.title,
    description: w.description,
    params: {
      iterations: param(w.defaults.iterations, 1, 1_000_000, 'map–write–munmap cycles'),
      pages: param(w.defaults.pages, 1, 65_536, '4 KiB pages per buffer'),
      cpus: param(w.defaults.cpus, 2, 64, 'vCPUs the process runs on'),
    },
    perOp: (p) => ({ count: p.iterations, unit: 'munmap' }),
    *generate(p) {
      for (let i = 0; i < p.iterations; i++) {
        yield* mapTouched('buf', p.pages * 4 * KiB, '4k');
        yield { op: 'shootdown', region: 'buf', cpus: p.cpus };
      }
    },
  });
}

export const munmapShootdown = shootdownLoop({
  id: 'memory/munmap-shootdown',
  title: 'Multi-vCPU munmap with TLB shootdowns',
  description:
    'A process on four vCPUs repeatedly maps, writes and unmaps a 64-page buffer, each munmap shooting down the ' +
    'other vCPUs\' TLB entries by IPI; will-it-scale munmap-like.',
  defaults: { iterations: 500, pages: 64, cpus: 4 },
});
