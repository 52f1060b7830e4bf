// Micro-benchmarks of the memory-management paths: address-space switch, INVLPG, TLB hits and misses, page-
// table population and shootdown. Each mirrors a HyperBench memory benchmark (Wei et al., POMACS 2019).
import { defineWorkload, param } from '../params.ts';
import { KiB, MiB, SETUP_DONE, faultIn, mapTouched } from '../ops.ts';
import { shootdownLoop } from '../memory/munmap-shootdown.ts';

export const setCr3 = defineWorkload({
  id: 'micro/set-cr3',
  title: 'Set CR3 (address-space switch)',
  description:
    'Switches between two small processes, one CR3 write each (mmuext_op NEW_BASEPTR on Xen PV, native with EPT); ' +
    'HyperBench SET-CR3 (206 → 276 cycles on Xen HVM).',
  params: { count: param(2000, 1, 1_000_000, 'switches (one record each)') },
  perOp: (p) => ({ count: p.count, unit: 'switch' }),
  *generate(p) {
    yield* mapTouched('page', 4 * KiB, '4k');
    yield { op: 'fork' }; // pid 2; pid 1 keeps running
    yield SETUP_DONE;
    for (let i = 0; i < p.count; i++) yield { op: 'switch', to: i % 2 === 0 ? 2 : 1 };
  },
});

export const invlpg = defineWorkload({
  id: 'micro/invlpg',
  title: 'INVLPG',
  description:
    'INVLPG of every page of a touched region (native under EPT, an exit under shadow paging, a hypercall on Xen PV); ' +
    'the invlpg case of kvm-unit-tests and HyperBench.',
  params: { pages: param(1024, 1, 65_536, 'pages mapped and invalidated') },
  perOp: (p) => ({ count: p.pages, unit: 'invlpg' }),
  *generate(p) {
    yield* mapTouched('buf', p.pages * 4 * KiB, '4k');
    yield SETUP_DONE;
    yield { op: 'invlpg', region: 'buf', count: p.pages };
  },
});

export const hotAccess = defineWorkload({
  id: 'micro/hot-access',
  title: 'Hot memory access',
  description:
    'Repeated reads of a few already-mapped pages that stay in the TLB (after one warm-up pass); HyperBench hot access (87 → 90 cycles).',
  params: {
    pages: param(64, 1, 1024, 'pages read (small enough to stay in the TLB)'),
    accesses: param(100_000, 1, 10_000_000, 'reads after the warm-up'),
  },
  perOp: (p) => ({ count: p.accesses, unit: 'read' }),
  *generate(p) {
    yield* mapTouched('hot', p.pages * 4 * KiB, '4k', false);
    yield SETUP_DONE;
    yield { op: 'touch', region: 'hot', pattern: 'random', accesses: p.accesses, write: false };
  },
});

export const coldAccess = defineWorkload({
  id: 'micro/cold-access',
  title: 'Cold memory access',
  description:
    'One read per page of a region mapped and faulted in during setup, far beyond the TLB\'s reach, so every read ' +
    'misses the TLB; HyperBench cold access (8 GiB there, 855 → 952 cycles; 64 MiB here to keep the simulation short).',
  params: { regionMiB: param(64, 1, 4096, 'pre-mapped region read once per page, in MiB') },
  perOp: (p) => ({ count: p.regionMiB * 256, unit: 'read' }),
  *generate(p) {
    const bytes = p.regionMiB * MiB;
    yield* mapTouched('cold', bytes, '4k');
    yield SETUP_DONE;
    yield faultIn('cold', bytes, '4k', false);
  },
});

export const setPageTable = defineWorkload({
  id: 'micro/set-page-table',
  title: 'Set page table (map a large range)',
  description:
    'Populates the page tables of a large range with 4 KiB pages by writing each page once, in a VM whose RAM the ' +
    'host has already backed (setup maps, writes and unmaps the range once); HyperBench set-page-table (4 GiB ' +
    'there, 256 MiB by default here to keep the simulation short).',
  params: { regionMiB: param(256, 1, 4096, 'range populated, in MiB') },
  perOp: (p) => ({ count: p.regionMiB * 256, unit: 'page' }),
  *generate(p) {
    yield* mapTouched('warm', p.regionMiB * MiB, '4k');
    yield { op: 'unmap', region: 'warm' };
    yield SETUP_DONE;
    yield* mapTouched('range', p.regionMiB * MiB, '4k');
  },
});

export const tlbShootdown = shootdownLoop({
  id: 'micro/tlb-shootdown',
  title: 'TLB shootdown',
  description: 'munmap of a one-page mapping used on two vCPUs, one remote-flush IPI each; HyperBench TLB shootdown.',
  defaults: { iterations: 1000, pages: 1, cpus: 2 },
});

export const pagingMicros = [setCr3, invlpg, hotAccess, coldAccess, setPageTable, tlbShootdown];
