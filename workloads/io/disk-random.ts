// Synchronous random 4 KiB reads: fio rw=randread bs=4k iodepth=1 (psync). One request per system call and one
// `io` record per request (a record's requests are submitted together), so the whole per-request path —
// notification, idle wait, completion interrupt — is paid for every 4 KiB.
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, mapTouched } from '../ops.ts';

export const diskRandom = defineWorkload({
  id: 'io/disk-random',
  title: 'Disk random 4 KiB reads (fio randread)',
  description:
    'Synchronous random 4 KiB reads, one pread per request; fio rw=randread bs=4k iodepth=1, where the ' +
    'per-request notification and interrupt path dominates.',
  params: {
    requests: param(5000, 1, 1_000_000, '4 KiB reads, one at a time'),
  },
  *generate(p) {
    yield* mapTouched('buf', 64 * KiB, '4k');
    yield SETUP_DONE;
    for (let i = 0; i < p.requests; i++) {
      yield { op: 'syscall', count: 1 };
      yield { op: 'io', device: 'disk', dir: 'read', bytes: 4 * KiB, requests: 1 };
      yield { op: 'touch', region: 'buf', pattern: 'random', accesses: 1, write: false };
    }
  },
});
