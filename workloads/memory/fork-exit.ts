// fork + exit of a process with a large resident set: page tables are copied and write-protected for COW,
// the child dirties a few pages and exits, tearing its tables down. lmbench lat_proc fork on a big process;
// on Xen PV every copied PTE is a validated mmu_update, batched by multicall.
import { defineWorkload, param } from '../params.ts';
import { MiB, mapTouched } from '../ops.ts';

export const forkExit = defineWorkload({
  id: 'memory/fork-exit',
  title: 'fork + exit of a large process',
  description:
    'A process with a large resident heap forks repeatedly; each child writes a few pages (COW faults) and exits. ' +
    'lmbench lat_proc fork scaled to a big process, where page-table copy and teardown dominate.',
  params: {
    forks: param(8, 1, 1000, 'children forked'),
    heapMiB: param(32, 1, 4096, 'resident heap of the parent in MiB'),
    childWrites: param(256, 0, 100_000, 'random page writes by each child (COW faults)'),
  },
  *generate(p) {
    yield* mapTouched('heap', p.heapMiB * MiB, '4k');
    for (let i = 0; i < p.forks; i++) {
      yield { op: 'fork' };
      yield { op: 'switch', to: 2 + i };
      yield { op: 'touch', region: 'heap', pattern: 'random', accesses: p.childWrites, write: true };
      yield { op: 'exit' };
    }
  },
});
