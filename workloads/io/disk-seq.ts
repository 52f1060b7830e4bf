// Sequential 1 MiB requests at queue depth 16, a read pass then a write pass: fio rw=read / rw=write bs=1M.
// Few, large requests: the per-request cost of the device path (split-driver ring and grants on Xen, virtio
// notify on KVM) is amortised over a lot of data.
import { defineWorkload, param } from '../params.ts';
import { MiB, SETUP_DONE, batches, mapTouched } from '../ops.ts';

export const diskSeq = defineWorkload({
  id: 'io/disk-seq',
  title: 'Disk sequential 1 MiB (fio seq)',
  description:
    'Sequential 1 MiB reads then writes at queue depth 16, consuming each buffer; fio rw=read / rw=write bs=1M, ' +
    'where large requests amortise the per-request device-path cost.',
  params: {
    requestsPerPass: param(256, 1, 1_000_000, '1 MiB requests in each of the read and write passes'),
    iodepth: param(16, 1, 1024, 'requests in flight per submission'),
  },
  *generate(p) {
    yield* mapTouched('buf', 16 * MiB, '4k');
    yield SETUP_DONE;
    for (const dir of ['read', 'write'] as const) {
      for (const n of batches(p.requestsPerPass, p.iodepth)) {
        yield { op: 'syscall', count: 2 }; // io_submit + io_getevents
        yield { op: 'io', device: 'disk', dir, bytes: MiB, requests: n };
        yield { op: 'touch', region: 'buf', pattern: 'seq', accesses: 256, write: dir === 'read' };
      }
    }
  },
});
