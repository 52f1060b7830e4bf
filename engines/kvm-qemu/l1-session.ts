// The L1 machine of this thread: Debian's kernel under QEMU with kvm_amd loaded, booted at the first run and
// kept for the next ones (each harness worker thread has its own; QEMU dies with the thread). Right after
// boot a stream of one phase op runs once: it checks that a 64-bit guest runs on L1's KVM, measures the
// guest's loop cost, and gives the exits a guest's boot costs (before the phase op) and its run's end costs
// (after it), which the model check subtracts from setup and from the measured phase.
import { serialize } from '../kvm-host/op-stream.ts';
import { parseVmmOutput, type VmmArgs, type VmmRunReport } from '../kvm-host/vmm-process.ts';
import { describe } from '../kvm-host/engine.ts';
import { pickAccel, QemuSession, type Accel } from '../lab/qemu-runner.ts';
import { progressLine } from '../lab/progress-line.ts';
import { ensureImage, type KvmQemuImage } from './image.ts';
import { GUEST_STREAM, runCommand, splitRunOutput } from './l1-commands.ts';
import { l1Phases, parseExitHistogram, type ExitHistogram, type L1Phases } from './svm-exits.ts';
import { L2_ARCHIVE, l2RunCommand, splitL2Output, type L2RunOptions } from './l2-commands.ts';
import { streamArchive } from './l2-payload.ts';
import { parseBrackets, type OpExits } from './op-brackets.ts';
import { parseRunnerOutput, type RunnerOutput } from '../lab/op-runner/output.ts';

/** L1's RAM: the largest guest the VMM allows (768 MiB) plus room for L1's kernel and busybox */
const L1_MEM_MB = 1280;
const BOOT_TIMEOUT_MS = 240_000;

/** the exits of a guest that boots and runs nothing: whole, and by phase (svm-exits.ts l1Phases) */
export interface Baseline {
  exits: ExitHistogram;
  byPhase: L1Phases;
}

export interface L1 {
  session: QemuSession;
  image: KvmQemuImage;
  accel: Accel;
  timings: string;
  bootMs: number;
  /** the exits of a guest that boots and runs nothing, on the VMM's default 2 vCPUs */
  baseline: Baseline;
  /** the same for other vCPU counts and APIC modes ("cpus/apic"), each measured the first time a run asks for it (baselineFor) */
  baselines: Map<string, Promise<Baseline>>;
  loopCycles: number;
}

export interface L1Run {
  report: VmmRunReport;
  /** L1's exits over the whole run, and up to the guest's phase op (null: the stream had none) */
  exits: ExitHistogram;
  setupExits: ExitHistogram | null;
}

let current: Promise<L1> | null = null;

/** runs one stream on L1's KVM; a failure is one line */
export async function runOnL1(session: QemuSession, args: VmmArgs, stream: Uint8Array): Promise<L1Run> {
  await session.put(GUEST_STREAM, stream);
  const r = await session.run(runCommand(args), args.timeoutMs + 60_000);
  const { vmm, hist, setupHist } = splitRunOutput(r.stdout.toString('utf8'));
  const outcome = parseVmmOutput(vmm, r.status, null);
  const problem = describe(outcome);
  if (problem || outcome.kind !== 'report') throw new Error(`${problem}${r.stderr.length ? ` (L1: ${r.stderr[r.stderr.length - 1]})` : ''}`);
  const exits = parseExitHistogram(hist);
  if (!hist) throw new Error('L1 printed no kvm_exit histogram (tracefs or the kvm module is missing in the image)');
  if (outcome.report.setup && !setupHist.trim()) throw new Error('the VMM reached the phase op but L1 printed no histogram copied there');
  return { report: outcome.report, exits, setupExits: setupHist.trim() ? parseExitHistogram(setupHist) : null };
}

export interface L2Result { runner: RunnerOutput; exits: OpExits; overrun: number }

/** runs one stream in a Linux guest under L1's KVM (QEMU in L1); a failure is one line naming L2's last words */
export async function runLinuxOnL1(session: QemuSession, o: L2RunOptions & { timeoutMs: number }, stream: Uint8Array, ops: number): Promise<L2Result> {
  await session.put(L2_ARCHIVE, streamArchive(stream));
  const r = await session.run(l2RunCommand(o), o.timeoutMs);
  const out = splitL2Output(r.stdout.toString('latin1'));
  let runner: RunnerOutput;
  try {
    runner = parseRunnerOutput(out.console);
  } catch (err) {
    const last = out.console.trim().split('\n').map((l) => l.trim()).filter(Boolean).pop();
    const why = out.qemuErrors ? `QEMU in L1: ${out.qemuErrors.split('\n').pop()}` : last ? `L2's last console line: ${last.slice(0, 160)}` : 'L2 printed nothing';
    throw new Error(`${(err as Error).message} (${why})`);
  }
  if (out.overrun) throw new Error(`L1's trace buffer overflowed (${out.overrun} events lost): run fewer operations`);
  return { runner, exits: parseBrackets(out.brackets, ops), overrun: out.overrun };
}

/** the boot probe: a stream of one phase op in a small guest, so its boot and its run's end come apart */
const PROBE: VmmArgs = { memMb: 16, timeoutMs: 60_000, io: 'virtio', computeCap: 1, disable: [] };

async function probeOnL1(session: QemuSession, args: Partial<VmmArgs> = {}): Promise<{ baseline: Baseline; loopCycles: number }> {
  const probe = await runOnL1(session, { ...PROBE, ...args }, serialize([{ op: 'phase' }]).bytes);
  return { baseline: { exits: probe.exits, byPhase: l1Phases(probe.exits, probe.setupExits) }, loopCycles: probe.report.guest.loopCyclesX1000 / 1000 };
}

/** the boot baseline of a guest with `cpus` vCPUs in an APIC mode: each AP's boot (its local APIC and PV EOI set
 *  up, its first HLT) adds exits of its own, and an xAPIC's setup writes are memory accesses where x2APIC's are
 *  WRMSRs, so a run is compared with an empty run on as many vCPUs in the same mode */
export function baselineFor(machine: L1, cpus: number | undefined, apic: VmmArgs['apic'] = 'x2apic'): Promise<Baseline> {
  if ((cpus === undefined || cpus === 2) && apic === 'x2apic') return Promise.resolve(machine.baseline);
  const key = `${cpus ?? 2}/${apic}`;
  let b = machine.baselines.get(key);
  if (!b) {
    b = probeOnL1(machine.session, { cpus, apic }).then((p) => p.baseline);
    machine.baselines.set(key, b);
  }
  return b;
}

/** stand-ins for tests: a QEMU that speaks the agent protocol, an image that is never built */
export interface L1Config { qemu?: string; image?: () => KvmQemuImage }

async function start({ qemu, image: given }: L1Config): Promise<L1> {
  const progress = progressLine('kvm-qemu');
  const image = given ? given() : ensureImage(progress);
  if (image.buildMs) progress(`built the image in ${(image.buildMs / 1000).toFixed(1)} s`);
  const { accel, timings } = pickAccel();
  const started = Date.now();
  const session = await QemuSession.boot({
    kernel: image.kernel, initrd: image.initrd, memMb: L1_MEM_MB, cpus: 1, accel, bootTimeoutMs: BOOT_TIMEOUT_MS,
    onProgress: progress, qemu,
  });
  const bootMs = Date.now() - started;
  try {
    const probe = await probeOnL1(session, undefined);
    return { session, image, accel, timings, bootMs, baseline: probe.baseline, baselines: new Map(), loopCycles: probe.loopCycles };
  } catch (err) {
    await session.close();
    throw new Error(`a 64-bit guest does not run on L1's kvm_amd: ${(err as Error).message}`);
  }
}

/** this thread's L1, booted on first use; a failed boot is retried at the next call */
export function l1(config: L1Config = {}): Promise<L1> {
  if (!current) {
    current = start(config);
    current.catch(() => { current = null; });
  }
  return current;
}

/** powers this thread's L1 off (tests, and a process that wants to exit before its threads do) */
export async function shutdownL1(): Promise<void> {
  const running = current;
  current = null;
  if (running) await (await running.catch(() => null))?.session.close();
}
