// Random loads over a working set far beyond the reach of the STLB and the PDE cache with 4 KiB pages,
// measured after it is mapped and faulted in: the steady-state TLB-miss case, where a 2-D nested walk costs up
// to 24 references against a native walk's 4 (Bhargava et al., ASPLOS 2008). With 2 MiB guest pages the same
// set is 256 translations, within the STLB's reach: what huge pages buy, virtualized or not. Named by guest + host page size as in Gandhi et al. (MICRO 2014): 4K+4K,
// 4K+2M, 2M+2M. The guest's page size is the map's; the host's is kvm's `thp` (transparent huge pages behind
// guest RAM), fixed by the workload because it is part of what the workload names. Native and Xen PV have no
// second dimension: their walks are 1-D whatever the host backs memory with.
import type { PageSize } from '../../engines/types.ts';
import { defineWorkload, param } from '../params.ts';
import { MiB, SETUP_DONE, faultIn } from '../ops.ts';
import type { Workload } from '../types.ts';

type HostPageSize = '4k' | '2m';

const LABEL: Record<HostPageSize, string> = { '4k': '4 KiB', '2m': '2 MiB' };

function randomAccess(guest: HostPageSize, host: HostPageSize): Workload {
  return defineWorkload({
    id: `memory/random-${guest}-${host}`,
    title: `Random access, ${LABEL[guest]} guest + ${LABEL[host]} host pages`,
    description:
      `Random loads over a 512 MiB working set (85× the STLB's reach with 4 KiB pages, 8× the PDE cache's) mapped with ${LABEL[guest]} ` +
      `guest pages over ${LABEL[host]} host pages (kvm thp=${host === '2m' ? 'on' : 'off'}), after faulting it in; GUPS-like, the ` +
      `${guest === '4k' ? '4K' : '2M'}+${host === '4k' ? '4K' : '2M'} case of Gandhi et al. 2014.`,
    params: {
      workingSetMiB: param(512, 2, 16_384, 'working-set size in MiB (a multiple of 2 for 2 MiB pages)'),
      accesses: param(200_000, 1, 10_000_000, 'random loads measured after the fault-in'),
    },
    engineOptions: { kvm: { thp: host === '2m' ? 'on' : 'off' } },
    perOp: (p) => ({ count: p.accesses, unit: 'read' }),
    *generate(p) {
      // the fault-in writes every 4 KiB of the table, as GUPS initialises it (HPCC RandomAccess: Table[i] = i):
      // with huge pages each one faults once and the rest are plain writes, and where a guest cannot map them
      // (a Xen PV guest, no PSE) every 4 KiB page still faults here in setup, not in the measured loads
      yield { op: 'map', region: 'table', bytes: p.workingSetMiB * MiB, pageSize: guest as PageSize };
      yield faultIn('table', p.workingSetMiB * MiB, '4k', true);
      yield SETUP_DONE;
      yield { op: 'touch', region: 'table', pattern: 'random', accesses: p.accesses, write: false };
    },
  });
}

export const random4k4k = randomAccess('4k', '4k');
export const random4k2m = randomAccess('4k', '2m');
export const random2m2m = randomAccess('2m', '2m');
