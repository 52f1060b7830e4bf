// Random loads over a working set far beyond the TLB's reach, with 4 KiB or 2 MiB pages: nearly every access
// misses the TLB with small pages, almost none with huge pages. The TLB-miss case where a 2-D nested walk
// costs up to 24 references against a native walk's 4 (Bhargava et al., ASPLOS 2008; SpecTLB, ISCA 2011).
import type { PageSize } from '../../engines/types.ts';
import { defineWorkload, param } from '../params.ts';
import { MiB, mapTouched } from '../ops.ts';
import type { Workload } from '../types.ts';

function randomAccess(pageSize: PageSize, label: string): Workload {
  return defineWorkload({
    id: `memory/random-${pageSize}`,
    title: `Random access, ${label} pages`,
    description:
      `Random loads over a 64 MiB working set (10× the STLB's reach with 4 KiB pages) mapped with ${label} pages, after faulting it in; ` +
      'the TLB-miss / 2-D page-walk case (GUPS-like, Bhargava et al. 2008 nested walks).',
    params: {
      workingSetMiB: param(64, 2, 16_384, 'working-set size in MiB (a multiple of 2 for 2 MiB pages)'),
      accesses: param(400_000, 1, 10_000_000, 'random loads after the warm-up'),
    },
    *generate(p) {
      yield* mapTouched('table', p.workingSetMiB * MiB, pageSize);
      yield { op: 'touch', region: 'table', pattern: 'random', accesses: p.accesses, write: false };
    },
  });
}

export const random4k = randomAccess('4k', '4 KiB');
export const random2m = randomAccess('2m', '2 MiB');
