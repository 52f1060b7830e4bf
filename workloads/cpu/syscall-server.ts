// A request/response server loop: a few system calls, a small network request, parsing and a response whose
// size follows SPECweb99's file-size classes. Resembles SPEC WEB99 (XenoLinux within 1 % of native in Xen
// 2003) and, per call, lmbench's lat_syscall null.
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, batches, between, mapTouched, weighted } from '../ops.ts';

// SPECweb99 static file-size classes and their access frequencies (class 0: < 1 KB … class 3: < 1 MB)
const RESPONSE_CLASSES: readonly (readonly [number, readonly [number, number]])[] = [
  [0.35, [100, 900]],
  [0.5, [1_000, 9_000]],
  [0.14, [10_000, 90_000]],
  [0.01, [100_000, 900_000]],
];

export const syscallServer = defineWorkload({
  id: 'cpu/syscall-server',
  title: 'Syscall-heavy server loop (SPEC WEB99-like)',
  description:
    'A web-server loop of accept/read/write/close system calls, small requests and SPECweb99-sized responses; ' +
    'stresses the syscall path (lmbench null syscall) the way SPEC WEB99 did in Xen 2003.',
  params: {
    requests: param(5000, 1, 10_000_000, 'requests served'),
    batch: param(50, 1, 10_000, 'requests per record (same response-size class)'),
    syscallsPerRequest: param(8, 1, 1000, 'system calls per request (accept, epoll, read, open, sendfile, close, …)'),
  },
  *generate(p, rng) {
    yield* mapTouched('buf', 256 * KiB, '4k');
    yield SETUP_DONE;
    for (const n of batches(p.requests, p.batch)) {
      const [lo, hi] = weighted(rng, RESPONSE_CLASSES);
      yield { op: 'syscall', count: n * p.syscallsPerRequest };
      yield { op: 'io', device: 'net', dir: 'read', bytes: 512, requests: n };
      yield { op: 'compute', cycles: n * between(rng, 20_000, 60_000) };
      yield { op: 'touch', region: 'buf', pattern: 'seq', accesses: n * 16, write: true };
      yield { op: 'io', device: 'net', dir: 'write', bytes: between(rng, lo, hi), requests: n };
    }
  },
});
