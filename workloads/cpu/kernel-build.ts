// A "make" of many small compilation units: each job vforks, execs a compiler, faults in a fresh heap, reads a
// source file, computes, writes an object file and exits. GNU make starts a job with vfork (job.c
// start_job_command: `child->pid = vfork ()`), so make's own pages are neither copied nor write-protected.
// The Xen 2003 "Linux build" case (+3 % on Xen), where process creation, page faults and page-table updates
// are the virtualization cost.
import { defineWorkload, param } from '../params.ts';
import { KiB, MiB, SETUP_DONE, between, mapTouched } from '../ops.ts';

export const kernelBuild = defineWorkload({
  id: 'cpu/kernel-build',
  title: 'Kernel build (many short processes)',
  description:
    'make-like job: per source file vfork, exec, heap page faults, file reads and writes, compute, exit; ' +
    'the "Linux build" benchmark of Xen 2003 (+3 % on Xen), dominated by process and page-table churn.',
  params: {
    jobs: param(40, 1, 10_000, 'compilation units (one short-lived process each)'),
  },
  *generate(p, rng) {
    yield* mapTouched('make', 2 * MiB, '4k');
    yield SETUP_DONE;
    let child = 2; // pids are handed out in order and make (pid 1) is the only parent
    for (let i = 0; i < p.jobs; i++) {
      yield { op: 'syscall', count: 20 }; // make: stat the target and its prerequisites
      yield { op: 'touch', region: 'make', pattern: 'random', accesses: 64, write: true };
      yield { op: 'fork', vfork: true };
      yield { op: 'switch', to: child++ };
      yield { op: 'exec' };
      yield* mapTouched('heap', between(rng, 1, 4) * MiB, '4k');
      yield { op: 'io', device: 'disk', dir: 'read', bytes: between(rng, 1, 8) * 4 * KiB, requests: between(rng, 1, 6) };
      yield { op: 'syscall', count: between(rng, 100, 300) }; // open/stat/read/mmap of headers
      yield { op: 'compute', cycles: between(rng, 5, 20) * 1_000_000 };
      yield { op: 'touch', region: 'heap', pattern: 'random', accesses: 2000, write: true };
      yield { op: 'io', device: 'disk', dir: 'write', bytes: between(rng, 1, 4) * 4 * KiB, requests: 1 };
      yield { op: 'exit' }; // make runs again
    }
  },
});
