// mmap / touch / mprotect / munmap in a loop with varying sizes: PTE writes and TLB invalidation on every
// step. Resembles will-it-scale mmap1/mmap2 and lmbench lat_mmap; munmap of more than 33 pages takes Linux's
// full-flush path.
import { defineWorkload, param } from '../params.ts';
import { KiB, between } from '../ops.ts';

export const mmapChurn = defineWorkload({
  id: 'memory/mmap-churn',
  title: 'mmap/munmap churn',
  description:
    'Repeatedly maps a region of random size (64 KiB–2 MiB), writes it, makes it read-only, reads it and unmaps it; ' +
    'will-it-scale mmap2 / lmbench lat_mmap: PTE updates and TLB invalidation on every call.',
  params: {
    iterations: param(200, 1, 100_000, 'map–use–unmap cycles'),
  },
  *generate(p, rng) {
    for (let i = 0; i < p.iterations; i++) {
      const pages = between(rng, 16, 512);
      yield { op: 'map', region: 'chunk', bytes: pages * 4 * KiB, pageSize: '4k' };
      yield { op: 'touch', region: 'chunk', pattern: 'seq', accesses: pages, write: true };
      yield { op: 'protect', region: 'chunk', writable: false };
      yield { op: 'touch', region: 'chunk', pattern: 'random', accesses: 32, write: false };
      yield { op: 'unmap', region: 'chunk' };
    }
  },
});
