// The measured engine `xen-qemu`: real Xen 4.17 with Debian's kernel as its PV dom0, under QEMU (TCG, or KVM
// nested where /dev/kvm is usable). Each run boots the image (image.ts, built at first use), copies the
// operation stream in, runs it with the op-runner under Linux's Xen tracepoints and xentrace (dom0-script.ts),
// brings both traces back over the serial console and maps them per operation (to-counters.ts). Opt-in: its
// counts are real Xen and Linux behaviour, its times are an emulator's.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Availability, Engine, EngineOptionSpec, EngineRunInput, GuestOp, RunCounters } from '../../types.ts';
import { UsageError } from '../../../harness/errors.ts';
import { serialize } from '../../kvm-host/op-stream.ts';
import { MAX_VCPUS } from '../../kvm-host/vmm-process.ts';
import { labCacheDir } from '../cache-dir.ts';
import { aptProblem } from '../debian-packages.ts';
import { endProgressLine, progressLine } from '../progress-line.ts';
import { pickAccel, qemuProblem, QemuSession } from '../qemu-runner.ts';
import { parseRunnerOutput, runnerProblem } from '../op-runner/output.ts';
import { parseLinuxXenTrace } from './linux-xen-trace.ts';
import { parseXenalyzeDump } from './xenalyze-dump.ts';
import { toCounters } from './to-counters.ts';
import { XEN_VERSION, xenImage } from './image.ts';
import { xenDomuImage } from './domu-image.ts';
import { fetchFile } from './dom0-file.ts';
import { DOM0_RESERVED_FOR_DOMU_MB, parseDomuRun, runInDomu } from './domu-run.ts';
import { domuCounters } from './domu-counters.ts';
import { withoutPhase } from '../phase-split.ts';
import { checkIntegerOption } from '../../integer-option.ts';

const OPTIONS: readonly EngineOptionSpec[] = [
  { name: 'timeoutMs', type: 'number', default: 1_200_000, description: 'the most one run may take in the guest once booted (an emulated dom0 faulting in 512 MiB takes minutes)' },
  { name: 'memMb', type: 'number', default: 1536, description: 'RAM QEMU gives the machine; dom0 gets all but 256 MiB of it (memory/fork-exit needs over 1 GiB), all but 512 MiB with guest=domu' },
  { name: 'vcpus', type: 'number', default: 1, description: "dom0's vCPUs, one emulated CPU each: 2 or more let the op-runner's helper threads run a shootdown's or a touch's other CPUs (xen_flush_tlb_multi then reaches them)" },
  { name: 'guest', type: 'enum', values: ['dom0', 'domu'], default: 'dom0', description: 'dom0: the operations run in dom0; domu: in a PV domU that dom0 boots with xl, its block I/O through blkfront and blkback (engines/lab/xen-qemu/domu-run.ts)' },
];

/**
 * Xen's command line: its console on the first serial port (where QEMU's -serial stdio is), dom0 fixed in
 * size and on `vcpus` vCPUs (one by default), no reboot on a crash so the console keeps the reason. `sync_console`: dom0's console
 * (the agent's replies, traces in base64) goes through Xen's serial driver, which drops characters when its
 * transmit buffer is full (xen/drivers/char/serial.c __serial_putc, serial_tx_buffer 16 KiB) unless the
 * console is synchronous; seen here as corrupted gzip streams and lost lines. SMAP, SMEP and PKU are off
 * in the CPU model: Xen 4.17 with SMAP on crashes dom0 at its first exception under TCG.
 */
export const QEMU_CPU = 'max,-smap,-smep,-pku';
export function xenCommandLine(memMb: number, reservedMb = 256, vcpus = 1): string {
  const dom0 = Math.max(256, memMb - reservedMb);
  return `console=com1 com1=115200,8n1 sync_console dom0_mem=${dom0}M,max:${dom0}M dom0_max_vcpus=${vcpus} noreboot`;
}
/** dom0's own command line: Xen's console (hvc0) carries the agent; kernel messages stay off it */
export const DOM0_COMMAND_LINE = 'console=hvc0 loglevel=1';

const BOOT_TIMEOUT_MS = 300_000;
/**
 * dom0's console input passes through Xen's ring of SERIAL_RX_SIZE = 128 characters, which drops what comes
 * while it is full (__serial_rx in xen/drivers/char/console.c): the session never has more in flight
 */
const XEN_CONSOLE_RX_CHARS = 128;

export function xenQemuProblem(): string | null {
  return qemuProblem() ?? aptProblem() ?? runnerProblem();
}

/**
 * With HVBENCH_XEN_QEMU_TRACES set to a directory, each run's raw output is kept there as the parser tests'
 * fixtures are laid out (test/fixtures/lab/xen-qemu/): `<name>.runner.txt`, `<name>.ftrace.txt.gz`,
 * `<name>.xenalyze.txt.gz` (a domU run: `<name>.runner.txt` is the domU's console, `<name>.vbd.txt` the
 * negotiated features, `<name>.vif.txt` netback's ring indexes, no ftrace), named by the stream's hash; results.json names the files (`measured.traces`).
 */
export const TRACES_ENV = 'HVBENCH_XEN_QEMU_TRACES';

function keepTraces(stream: Uint8Array, files: Record<string, Buffer>): string | undefined {
  const dir = process.env[TRACES_ENV];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const prefix = join(resolve(dir), `stream-${createHash('sha256').update(stream).digest('hex').slice(0, 12)}`);
  for (const [suffix, bytes] of Object.entries(files)) writeFileSync(`${prefix}.${suffix}`, bytes);
  return prefix;
}

/**
 * The operation stream as it crosses the serial line: gzipped, and unpacked by dom0's busybox. Its 32-byte
 * records repeat (memory/ctx-switch is 12,000 of them, 384 KB, which at the ≈10 KB/s of the emulated serial
 * port outlasted the agent's 120 s copy timeout on a loaded host); gzipped they are 1.6 KB.
 */
export function streamForSerial(stream: Uint8Array): Buffer {
  return gzipSync(stream, { level: 9 });
}

export const xenQemuEngine: Engine = {
  id: 'xen-qemu',
  title: 'Xen PV, measured (QEMU)',
  description: `Xen ${XEN_VERSION} with a Linux PV dom0 under QEMU: the operations as real system calls in dom0, hypercalls and PV traps from Xen's trace buffer (xentrace), batching and pins from Linux's Xen tracepoints`,
  mode: 'measured',
  options: OPTIONS,
  // each operation has its own trace window: the ones before `phase` are setup (phase-split.ts)
  phases: true,
  checkOptions: (options) => checkIntegerOption('xen-qemu', 'vcpus', options.vcpus, 1, MAX_VCPUS),
  timingsCaveat: () => `Xen and its dom0 run inside QEMU, under ${pickAccel().timings}`,
  availability(): Availability {
    const problem = xenQemuProblem();
    return problem ? { available: false, reason: problem } : { available: true };
  },
  async run(input: EngineRunInput): Promise<RunCounters> {
    const { ops, measuredFrom, workloadIndex } = withoutPhase([...input.ops]);
    const stream = serialize(ops, 'xen-qemu', workloadIndex).bytes;
    const problem = xenQemuProblem();
    if (problem) throw new Error(`xen-qemu is unavailable: ${problem}`);
    const progress = progressLine('xen-qemu');
    const memMb = Number(input.options.memMb ?? 1536);
    const vcpus = Number(input.options.vcpus ?? 1);
    const timeoutMs = Number(input.options.timeoutMs ?? 1_200_000);
    const started = Date.now();
    const domu = input.options.guest === 'domu';
    const image = (domu ? xenDomuImage : xenImage)(labCacheDir(), progress);
    const built = Date.now();
    const { accel, timings } = pickAccel();
    progress(`booting Xen ${XEN_VERSION} and dom0 (${accel})`);
    const session = await QemuSession.boot({
      kernel: image.xen,
      initrd: `${image.kernel} ${DOM0_COMMAND_LINE},${image.initrd}`,
      append: xenCommandLine(memMb, domu ? DOM0_RESERVED_FOR_DOMU_MB : undefined, vcpus),
      memMb,
      cpus: vcpus,
      accel,
      cpu: QEMU_CPU,
      bootTimeoutMs: BOOT_TIMEOUT_MS,
      consoleInputChars: XEN_CONSOLE_RX_CHARS,
      onProgress: progress,
    });
    const booted = Date.now();
    const about = (traces: string | undefined, guest: string) => ({
      backend: { label: `Xen ${XEN_VERSION} PV ${guest} under QEMU (${accel})`, accel, versions: image.versions },
      timings,
      seconds: { image: (built - started) / 1000, boot: (booted - built) / 1000, run: (Date.now() - booted) / 1000 },
      ...(traces ? { traces } : {}),
    });
    try {
      if (domu) {
        const run = await runInDomu(session, stream, timeoutMs, progress);
        const traces = keepTraces(stream, { 'runner.txt': run.console, 'vbd.txt': run.vbd, 'vif.txt': run.vif, 'xenalyze.txt.gz': run.xenGz });
        return domuCounters({ ...parseDomuRun(run), ops, measuredFrom, about: about(traces, 'domU (blkfront → blkback in dom0)') });
      }
      progress(`running ${ops.length} operations in dom0`);
      await session.put('/tmp/stream.bin.gz', streamForSerial(stream));
      const unpacked = await session.run('gunzip -f /tmp/stream.bin.gz');
      if (unpacked.status !== 0) throw new Error(`xen-qemu: dom0 could not unpack the operation stream (gunzip status ${unpacked.status})`);
      const ran = await session.run('sh /lab/run.sh /tmp/stream.bin', timeoutMs);
      if (ran.status !== 0) {
        const err = (await fetchFile(session, '/tmp/out/runner.err')).toString('utf8').trim().split('\n').pop();
        throw new Error(`xen-qemu: the run in dom0 failed (status ${ran.status})${err ? `: ${err}` : ''}`);
      }
      progress('reading the traces back');
      const runnerText = await fetchFile(session, '/tmp/out/runner.txt');
      const runner = parseRunnerOutput(runnerText.toString('utf8'));
      // a full ring buffer drops events (ftrace counts them as overruns; xentrace writes a lost_records
      // record, xen/include/public/trace.h TRC_LOST_RECORDS): the counts would be short
      const overrun = /overrun:\s*([1-9]\d*)/.exec((await fetchFile(session, '/tmp/out/lost.txt')).toString('utf8'));
      if (overrun) throw new Error(`xen-qemu: Linux's trace buffer overflowed (${overrun[1]} events lost)`);
      const linuxGz = await fetchFile(session, '/tmp/out/linux.gz');
      const xenGz = await fetchFile(session, '/tmp/out/xen.gz');
      const traces = keepTraces(stream, { 'runner.txt': runnerText, 'ftrace.txt.gz': linuxGz, 'xenalyze.txt.gz': xenGz });
      const linux = parseLinuxXenTrace(gunzipSync(linuxGz).toString('utf8'));
      const dump = gunzipSync(xenGz).toString('utf8');
      if (/lost_record/.test(dump)) throw new Error("xen-qemu: Xen's trace buffer lost records (xentrace could not keep up)");
      const xen = parseXenalyzeDump(dump);
      return toCounters({ ops, measuredFrom, runner, linux, xen, about: about(traces, 'dom0') });
    } finally {
      await session.close();
      endProgressLine();
    }
  },
};
