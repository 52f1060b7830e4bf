// The recorded runs under test/fixtures/lab/xen-qemu/: Xen 4.17.7 (Debian) with Debian's 6.1 kernel as PV
// dom0 under QEMU TCG, each workload stream run by the op-runner with --marker and --xen-marker. Per stream:
// the runner's output, Linux's /sys/kernel/tracing/trace (Xen events and the markers, raw) and
// `xenalyze --dump-all` of the xentrace file (raw), the last two gzipped.
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
