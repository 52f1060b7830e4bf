// Synchronous random 4 KiB reads: fio rw=randread bs=4k iodepth=1 (psync). One request per system call, so the
// whole per-request path — notification, interrupt, completion — is paid for every 4 KiB.
import { defineWorkload, param } from '../params.ts';
import { KiB, batches, mapTouched } from '../ops.ts';

export const diskRandom = defineWorkload({
  id: 'io/disk-random',
  title: 'Disk random 4 KiB reads (fio randread)',
  description:
    'Synchronous random 4 KiB reads, one pread per request; fio rw=randread bs=4k iodepth=1, where the ' +
    'per-request notification and interrupt path dominates.',
  params: {
    requests: param(20_000, 1, 10_000_000, '4 KiB reads'),
  },
  *generate(p) {
    yield* mapTouched('buf', 64 * KiB, '4k');
    for (const n of batches(p.requests, 1000)) {
      yield { op: 'syscall', count: n };
      yield { op: 'io', device: 'disk', dir: 'read', bytes: 4 * KiB, requests: n };
      yield { op: 'hlt', count: n }; // the vCPU idles until each completion interrupt
      yield { op: 'touch', region: 'buf', pattern: 'random', accesses: n, write: false };
    }
  },
});
