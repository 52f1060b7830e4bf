// The recorded runs under test/fixtures/lab/xen-qemu/: Xen 4.17.7 (Debian) with Debian's 6.1 kernel as PV
// dom0 under QEMU TCG, each workload stream run by the op-runner with --marker and --xen-marker. Per stream:
// the runner's output, Linux's /sys/kernel/tracing/trace (Xen events and the markers) and
// `xenalyze --dump-all` of the xentrace file, the last two gzipped: raw in the first recordings, as the dom0
// script reduces them (engines/lab/xen-qemu/dom0-script.ts) in memory-fault-storm and memory-mmap-churn, kept
// by HVBENCH_XEN_QEMU_TRACES (memory-mmap-churn: its first 5 operations, one map–write–protect–read–unmap
// cycle). micro-tlb-shootdown-2cpu: micro/tlb-shootdown (1,000 map–write–munmap cycles of one page, the
// op-runner's helper thread spinning on vCPU 1 during each munmap) on a two-vCPU dom0 (xen-qemu:vcpus=2).
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

/**
 * A PV domU run (xen-qemu guest=domu) of a 13-operation stream: eight 4 KiB reads, four 64 KiB writes, four
 * 1 MiB reads, four 1 MiB writes (one io op each), 10 syscalls and a hypercall (refused: EPERM). The console
 * log and dom0's vbd file whole; the xenalyze dump (xentrace -e 0x0022f000, reduced as domu-script.ts does)
 * cut to the domU kernel's last forced-emulation CPUIDs at boot and the records around the operations.
 */
export function domuFixture(): { console: Buffer; vbd: Buffer; vif: Buffer; xenGz: Buffer } {
  return {
    console: readFileSync(`${dir}domu-disk.runner.txt`),
    vbd: readFileSync(`${dir}domu-disk.vbd.txt`),
    // recorded before the domU had a vif: no eth0 lines, no ring file
    vif: Buffer.alloc(0),
    xenGz: readFileSync(`${dir}domu-disk.xenalyze.txt.gz`),
  };
}

/**
 * A PV domU run of 50 netperf-TCP_RR-like transactions (2 syscalls, a 1-byte write, a 1-byte read: 150
 * operations) over the vif to the op-runner's peer in dom0 (engines/lab/op-runner/net-peer.c). The console
 * log, dom0's vbd file and netback's ring file whole; the xenalyze dump cut to the 100 records before the first
 * operation and the first 15 operations (5 transactions).
 */
export function domuNetFixture(): { console: Buffer; vbd: Buffer; vif: Buffer; xenGz: Buffer } {
  return {
    console: readFileSync(`${dir}domu-net.runner.txt`),
    vbd: readFileSync(`${dir}domu-net.vbd.txt`),
    vif: readFileSync(`${dir}domu-net.vif.txt`),
    xenGz: readFileSync(`${dir}domu-net.xenalyze.txt.gz`),
  };
}
