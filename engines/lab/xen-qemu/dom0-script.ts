// What runs in dom0 for one operation stream, as a busybox shell script the image carries at /lab/run.sh:
// Linux's Xen tracepoints on (only those the parsers read, so the ring buffer holds a large workload) and
// xentrace recording Xen's PV class (waited for until its file holds a record), then the op-runner with its
// markers, then both traces reduced and compressed for the serial line: ftrace's per-line prefix (task, CPU,
// flags, time), pointer values and xenalyze's time column carry nothing the parsers read and make every line
// unique, so they are cut before gzip (linux-xen-trace.ts and xenalyze-dump.ts read lines with or without
// them). Results land in /tmp/out.
//
// Xen's trace classes (xen/include/public/trace.h): TRC_PV = 0x0020f000, hypercalls and PV traps.
export const TRC_PV_MASK = '0x0020f000';

/** the tracepoints enabled, under /sys/kernel/tracing/events/xen/ (include/trace/events/xen.h) */
export const LINUX_EVENTS = [
  'xen_mc_entry', 'xen_mc_extend_args', 'xen_mc_flush',
  'xen_mmu_set_pte', 'xen_mmu_set_pmd', 'xen_mmu_set_pud', 'xen_mmu_set_p4d',
  'xen_mmu_ptep_modify_prot_commit', 'xen_mmu_alloc_ptpage', 'xen_mmu_release_ptpage',
  'xen_mmu_pgd_pin', 'xen_mmu_pgd_unpin', 'xen_mmu_write_cr3', 'xen_mmu_flush_tlb_one_user', 'xen_mmu_flush_tlb_multi',
] as const;

/** how long the script waits for xentrace's first record, in tenths of a second (a loaded TCG host took
 *  over the second the script used to sleep: short runs such as micro/cpuid then lost their first markers) */
export const XENTRACE_START_TENTHS = 1200;

/**
 * Shell lines that return once Xen's trace buffer is being recorded into `file`: xentrace sets the event mask,
 * then enables tracing (tools/xentrace/xentrace.c: set_evt_mask before monitor_tbufs → get_tbufs →
 * xc_tbuf_enable) and writes records to its file only as it drains them, so the file's first byte is a PV
 * record of this dom0 — the shell's own system calls return through the iret hypercall — seen by a running
 * tracer. Exits 4 with one line on stderr when none comes within `tenths` tenths of a second.
 */
export function waitForFirstRecord(file: string, tenths: number): string {
  return `n=0
while [ ! -s ${file} ]; do
  n=$((n+1)); [ $n -gt ${tenths} ] && { echo "xentrace recorded nothing within ${tenths / 10} s" >&2; exit 4; }
  sleep 0.1
done`;
}

/**
 * Shell lines that return once `file` stopped growing: xentrace drains the buffers at each poll (every
 * 100 ms, POLL_SLEEP_MILLIS) and on a loaded host a poll can come late, so the end waits for three quiet
 * half-seconds in a row, not a fixed time, before xentrace is stopped. At most 10 s: this loop's own system
 * calls return through Xen's iret hypercall, which the PV class records, so in dom0 the file may never be quiet.
 */
export function waitUntilDrained(file: string): string {
  return `q=0; last=-1; t=0
while [ $q -lt 3 ] && [ $t -lt 20 ]; do
  t=$((t+1))
  sleep 0.5
  size=$(stat -c %s ${file})
  if [ "$size" = "$last" ]; then q=$((q+1)); else q=0; last=$size; fi
done`;
}

/** ftrace ring buffer per CPU: memory/fork-exit's 512 MiB heap writes ~400,000 events of ~40 bytes */
export const FTRACE_BUFFER_KB = 65536;
/** xentrace's per-CPU buffer in pages; xentrace drains it into its file while the run goes on */
export const XENTRACE_BUFFER_PAGES = 2048;

/**
 * The filter Linux's trace goes through before gzip: each line keeps what linux-xen-trace.ts reads. The
 * prefix, table-entry values and pointers go; xen_mmu_flush_tlb_multi keeps its ncpus and range (the
 * targets it flushes and whether it is one page), losing only the mm pointer.
 */
export const LINUX_TRACE_SED = `sed -E \\
  -e 's/^ *.+-[0-9]+ +\\[[0-9]+\\] [^ ]+ +[0-9.]+: //' \\
  -e 's/^(xen_mmu_(set_p[a-z0-9]+|ptep_modify_prot_commit|flush_tlb_one_user|pgd_pin|pgd_unpin)):.*/\\1:/' \\
  -e 's/^(xen_mmu_flush_tlb_multi: ncpus [0-9]+) mm [^ ]+ /\\1 /' \\
  -e 's/^(xen_mmu_(alloc|release)_ptpage):.* (pinned|unpinned)$/\\1: \\3/' \\
  -e 's/^(xen_mmu_write_cr3: [a-z]+) .*/\\1/' \\
  -e 's/^(xen_mc_entry: op [0-9]+\\([a-z_]+\\)).*/\\1/'`;

export const DOM0_SCRIPT = `#!/bin/sh
# usage: run.sh STREAM   (results in /tmp/out: runner.txt, linux.gz, xen.gz, and ftrace's overrun count in lost.txt)
T=/sys/kernel/tracing
O=/tmp/out
rm -rf $O; mkdir -p $O
echo 0 > $T/tracing_on
echo ${FTRACE_BUFFER_KB} > $T/buffer_size_kb
echo 0 > $T/events/enable
for e in ${LINUX_EVENTS.join(' ')}; do echo 1 > $T/events/xen/$e/enable || exit 3; done
echo > $T/trace
xentrace -D -e ${TRC_PV_MASK} -S ${XENTRACE_BUFFER_PAGES} /tmp/xen.trc &
XT=$!
${waitForFirstRecord('/tmp/xen.trc', XENTRACE_START_TENTHS)}
echo 1 > $T/tracing_on
op-runner --marker=$T/trace_marker --xen-marker --privileged "$1" > $O/runner.txt 2> $O/runner.err
st=$?
echo 0 > $T/tracing_on
${waitUntilDrained('/tmp/xen.trc')}
kill -INT $XT; wait $XT
grep -v '^#' $T/trace | ${LINUX_TRACE_SED} | gzip -c > $O/linux.gz
cat $T/per_cpu/cpu*/stats | grep overrun > $O/lost.txt
xenalyze --dump-all /tmp/xen.trc 2>/dev/null | sed -E \\
  -e 's/^ *[0-9.]+ //' -e 's/\\[.*\\]/[]/' -e 's/^([^ ]+ d[0-9]+v[0-9]+ +ptwr) .*/\\1/' | gzip -c > $O/xen.gz
rm -f /tmp/xen.trc
exit $st
`;
