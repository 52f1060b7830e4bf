// fork + exit of a process with a large resident set: page tables are copied and write-protected for COW,
// the child dirties a few pages and exits, tearing its tables down. lmbench lat_proc fork on a big process,
// sized in GiB of resident memory so the result reads as milliseconds per GiB, the unit of Redis's fork-latency
// table (redis.io "Diagnosing latency issues": fork time per GB of RSS on physical, HVM and PV machines). The
// heap is faulted in during setup; the measured phase is the forks, COW faults and exits.
import { defineWorkload, param } from '../params.ts';
import { MiB, SETUP_DONE, mapTouched } from '../ops.ts';

export const forkExit = defineWorkload({
  id: 'memory/fork-exit',
  title: 'fork + exit of a large process',
  description:
    'A process with a 512 MiB resident heap forks twice (1 GiB forked); each child writes a few pages (COW faults) and exits. ' +
    'lmbench lat_proc fork scaled to a big process, read as ms per GiB forked like Redis\'s fork-latency table.',
  params: {
    forks: param(2, 1, 64, 'children forked'),
    heapMiB: param(512, 1, 4096, 'resident heap of the parent in MiB'),
    childWrites: param(256, 0, 100_000, 'random page writes by each child (COW faults)'),
  },
  perOp: (p) => ({ count: (p.forks * p.heapMiB) / 1024, unit: 'GiB' }),
  *generate(p) {
    yield* mapTouched('heap', p.heapMiB * MiB, '4k');
    yield SETUP_DONE;
    for (let i = 0; i < p.forks; i++) {
      yield { op: 'fork' };
      yield { op: 'switch', to: 2 + i };
      yield { op: 'touch', region: 'heap', pattern: 'random', accesses: p.childWrites, write: true };
      yield { op: 'exit' };
    }
  },
});
