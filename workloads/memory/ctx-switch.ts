// Two processes pass a token back and forth through a pipe, each touching a small working set when it runs:
// lmbench lat_ctx -s 16K 2. Every hop is two system calls and a context switch (a CR3 write: a hypercall on
// Xen PV, native with EPT on KVM, an exit under KVM's shadow paging — where `kvm:mmu=shadow,shadowcache=off`
// rebuilds the incoming process's shadow tables by one shadow fault per page it touches, and the shadow cache
// finds them kept).
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, mapTouched } from '../ops.ts';

export const ctxSwitch = defineWorkload({
  id: 'memory/ctx-switch',
  title: 'Context-switch ping-pong (lmbench lat_ctx)',
  description:
    'Two processes pass a token through a pipe, each touching a 16 KiB working set per turn; lmbench lat_ctx -s 16K, ' +
    'where each switch is an address-space change and its TLB flush.',
  params: {
    roundTrips: param(2000, 1, 1_000_000, 'token round trips (two switches each)'),
    workingSetKiB: param(16, 4, 64 * 1024, 'per-process working set in KiB (lat_ctx -s)'),
  },
  perOp: (p) => ({ count: p.roundTrips, unit: 'round trip' }),
  *generate(p) {
    const touchAll = { op: 'touch', region: 'ws', pattern: 'seq', accesses: Math.ceil(p.workingSetKiB / 4), write: false } as const;
    yield* mapTouched('ws', p.workingSetKiB * KiB, '4k');
    yield { op: 'fork' }; // pid 2; pid 1 keeps running
    yield SETUP_DONE;
    for (let i = 0; i < p.roundTrips; i++) {
      yield touchAll;
      yield { op: 'syscall', count: 2 }; // write the token, block in read
      yield { op: 'switch', to: 2 };
      yield touchAll;
      yield { op: 'syscall', count: 2 };
      yield { op: 'switch', to: 1 };
    }
  },
});
