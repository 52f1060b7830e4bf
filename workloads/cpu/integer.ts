// Pure integer compute: the near-native case. Xen 2003 (Barham et al., SOSP) found SPEC CPU INT within a few
// percent of native on Xen, because user-mode work never traps; only the few TLB misses of a cache-sized
// working set can cost anything under virtualization. No timer op: in the vocabulary a tick idles until it
// fires, and this job never idles.
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, mapTouched } from '../ops.ts';

export const integer = defineWorkload({
  id: 'cpu/integer',
  title: 'Integer compute (SPEC CINT-like)',
  description:
    'User-mode integer work with random loads over a cache-sized working set and no system calls; ' +
    'the near-native case of Xen 2003 (SPEC CINT2000 within a few percent of native).',
  params: {
    slices: param(250, 1, 100_000, 'compute slices (250 × 4 ms = one second at 2.4 GHz)'),
    cyclesPerSlice: param(9_600_000, 1, 1e10, 'user cycles per slice'),
    accessesPerSlice: param(200, 0, 10_000, 'random loads per slice over the working set'),
    workingSetKiB: param(1024, 4, 64 * 1024, 'working-set size in KiB'),
  },
  *generate(p) {
    yield* mapTouched('heap', p.workingSetKiB * KiB, '4k');
    yield SETUP_DONE;
    for (let i = 0; i < p.slices; i++) {
      yield { op: 'compute', cycles: p.cyclesPerSlice };
      yield { op: 'touch', region: 'heap', pattern: 'random', accesses: p.accessesPerSlice, write: false };
    }
  },
});
