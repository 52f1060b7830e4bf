// The recorded runs under test/fixtures/lab/xen-qemu/: Xen 4.17.7 (Debian) with Debian's 6.1 kernel as PV
// dom0 under QEMU TCG, each workload stream run by the op-runner with --marker and --xen-marker. Per stream:
// the runner's output, Linux's /sys/kernel/tracing/trace (Xen events and the markers) and
// `xenalyze --dump-all` of the xentrace file, the last two gzipped: raw in the first recordings, as the dom0
// script reduces them (engines/lab/xen-qemu/dom0-script.ts) in memory-fault-storm and memory-mmap-churn, kept
// by HVBENCH_XEN_QEMU_TRACES (memory-mmap-churn: its first 5 operations, one map–write–protect–read–unmap
// cycle).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const dir = new URL('../../../fixtures/lab/xen-qemu/', import.meta.url).pathname;

export function fixture(name: string): { runner: string; ftrace: string; xenalyze: string } {
  return {
    runner: readFileSync(`${dir}${name}.runner.txt`, 'utf8'),
    ftrace: gunzipSync(readFileSync(`${dir}${name}.ftrace.txt.gz`)).toString('utf8'),
    xenalyze: gunzipSync(readFileSync(`${dir}${name}.xenalyze.txt.gz`)).toString('utf8'),
  };
}
