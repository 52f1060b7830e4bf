// One `kvm-qemu:guest=linux` run, as the shell command L1 executes: the stream appended to L2's initramfs,
// L1's ring buffer cleared and recording kvm_exit, kvm_cpuid and kvm_msr, QEMU run with `-accel kvm` on L1's kvm_amd
// until L2's init powers off, then the runner's output, the exits per operation (op-brackets.ts) and the
// ring buffer's statistics (an overrun means lost events), each after its own marker line.
import { L2_PATHS } from './l2-payload.ts';

export const L2_ARCHIVE = '/tmp/stream.cpio';
const TRACING = '/sys/kernel/tracing';
/** per CPU; L1 has one. A kvm_exit event takes about 64 bytes in the buffer: 1 M exits fit */
const BUFFER_KB = 65536;
/** L2's disk for io ops: sparse, in L1's RAM */
const DISK = '/tmp/l2.disk';
const DISK_MB = 64;
const MARK = { exits: '@@exits', stats: '@@stats', qemu: '@@qemu' };

/** `cpus`: L2's vCPUs, 2 when not given (kvm-host/engine.ts vcpusFor: as many as the widest shootdown) */
export interface L2RunOptions { memMb: number; computeCap: number; cpus?: number }

/** QEMU's command line in L1: no devices but the serial console and the virtio disk; L2 has two vCPUs or as many
 *  as the stream's widest shootdown, the op-runner's on the first and its helper threads on the others
 *  (op-runner/smp.c) */
export function l2QemuArgv({ memMb, computeCap, cpus }: L2RunOptions): string[] {
  return [
    L2_PATHS.loader, '--library-path', L2_PATHS.libs, L2_PATHS.qemu, '-L', L2_PATHS.firmware,
    '-accel', 'kvm', '-cpu', 'host', '-m', String(memMb), '-smp', String(cpus ?? 2), '-nodefaults', '-display', 'none',
    '-serial', 'stdio', '-no-reboot', '-kernel', L2_PATHS.kernel, '-initrd', '/tmp/l2.cpio',
    '-append', `'console=ttyS0 loglevel=1 panic=-1 no_timer_check hvbench.cap=${computeCap}'`,
    '-drive', `file=${DISK},format=raw,if=virtio,cache=unsafe`,
  ];
}

export function l2RunCommand(o: L2RunOptions): string {
  const events = ['kvm_exit', 'kvm_cpuid', 'kvm_msr'].map((e) => `${TRACING}/events/kvm/${e}/enable`);
  return [
    `cat ${L2_PATHS.initrd} ${L2_ARCHIVE} > /tmp/l2.cpio`,
    `rm -f ${DISK}; dd if=/dev/zero of=${DISK} bs=1M count=0 seek=${DISK_MB} 2>/dev/null`,
    `echo 0 > ${TRACING}/tracing_on; echo ${BUFFER_KB} > ${TRACING}/buffer_size_kb; echo > ${TRACING}/trace`,
    ...events.map((e) => `echo 1 > ${e}`),
    `echo 1 > ${TRACING}/tracing_on`,
    `${l2QemuArgv(o).join(' ')} > /tmp/l2.out 2> /tmp/l2.err; status=$?`,
    `echo 0 > ${TRACING}/tracing_on`,
    ...events.map((e) => `echo 0 > ${e}`),
    'cat /tmp/l2.out',
    `echo ${MARK.exits}; awk -f ${L2_PATHS.brackets} ${TRACING}/trace`,
    `echo ${MARK.stats}; cat ${TRACING}/per_cpu/cpu0/stats`,
    `echo ${MARK.qemu}; tail -n 3 /tmp/l2.err; echo > ${TRACING}/trace`,
    'exit $status',
  ].join('; ');
}

export interface L2RunOutput {
  /** L2's console: the runner's lines among kernel messages */
  console: string;
  brackets: string;
  /** events the ring buffer lost */
  overrun: number;
  /** QEMU's last stderr lines in L1 */
  qemuErrors: string;
}

export function splitL2Output(stdout: string): L2RunOutput {
  const at = (mark: string) => stdout.indexOf(`\n${mark}\n`);
  const [e, s, q] = [at(MARK.exits), at(MARK.stats), at(MARK.qemu)];
  if (e < 0 || s < e || q < s) throw new Error('kvm-qemu: L1 did not print the run\'s exits (the command stopped early)');
  const stats = stdout.slice(s, q);
  return {
    console: stdout.slice(0, e),
    brackets: stdout.slice(e + MARK.exits.length + 2, s),
    overrun: Number(/overrun:\s*(\d+)/.exec(stats)?.[1] ?? 0),
    qemuErrors: stdout.slice(q + MARK.qemu.length + 2).trim(),
  };
}
