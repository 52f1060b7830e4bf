// A multi-threaded process whose threads run on several vCPUs and share memory, one of them periodically
// unmapping a small buffer they all wrote: the TLB-shootdown case of HyperBench and of the Linux TLB-flush
// benchmarks (will-it-scale tlb_flush2: threads writing a shared mapping that is repeatedly zapped). Each
// munmap flushes the buffer's pages on every vCPU that has the address space loaded: natively an IPI and
// one INVLPG per page on each, on Xen PV one TLB_FLUSH_MULTI hypercall for all of them, the unmapping vCPU
// included (Linux ≥ 5.13 xen_flush_tlb_multi; it empties every one's TLB, so their next writes to the shared
// region walk again), on KVM an IPI send (one PV hypercall) or,
// for preempted vCPUs, a flush deferred to their next entry.
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, faultIn } from '../ops.ts';
import type { GuestOp } from '../../engines/types.ts';

export const threadsShootdown = defineWorkload({
  id: 'memory/threads-shootdown',
  title: 'Threads on 4 vCPUs writing shared memory, with munmap shootdowns',
  description:
    'Four threads on four vCPUs write a shared 256 KiB region and a 16-page buffer; the first thread then unmaps ' +
    'the buffer, whose TLB entries the other vCPUs must drop (remote flush by IPI, TLB_FLUSH_MULTI or PV flush); ' +
    'HyperBench TLB shootdown, Linux will-it-scale tlb_flush2.',
  params: {
    iterations: param(200, 1, 100_000, 'map–write–munmap rounds'),
    threads: param(4, 1, 64, 'threads, one per vCPU (vCPU 0 … threads − 1)'),
    pages: param(16, 1, 4096, '4 KiB pages of the buffer unmapped each round'),
    sharedPages: param(64, 1, 65_536, '4 KiB pages of the shared region every thread writes each round'),
  },
  perOp: (p) => ({ count: p.iterations, unit: 'munmap' }),
  *generate(p) {
    const writeShared = (cpu: number): GuestOp => ({ op: 'touch', region: 'shared', pattern: 'seq', accesses: p.sharedPages, write: true, cpu });
    yield { op: 'map', region: 'shared', bytes: p.sharedPages * 4 * KiB, pageSize: '4k' };
    yield faultIn('shared', p.sharedPages * 4 * KiB, '4k', true);
    for (let cpu = 1; cpu < p.threads; cpu++) yield writeShared(cpu);
    yield SETUP_DONE;
    for (let i = 0; i < p.iterations; i++) {
      yield { op: 'map', region: 'buf', bytes: p.pages * 4 * KiB, pageSize: '4k' };
      for (let cpu = 0; cpu < p.threads; cpu++) {
        yield { ...faultIn('buf', p.pages * 4 * KiB, '4k', true), cpu };
        yield writeShared(cpu);
      }
      yield { op: 'unmap', region: 'buf' };
    }
  },
});
