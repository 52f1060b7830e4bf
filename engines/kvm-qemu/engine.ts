// The measured engine `kvm-qemu`: the kvm-host VMM and guest, run on a real KVM (kvm_amd in Debian's kernel)
// inside QEMU, for machines without /dev/kvm (docs/architecture.md#measured-engines). The counts are real KVM
// behaviour; the timings are QEMU's (TCG, or nested KVM) and are never kept as cycles. Returns what kvm-host
// returns, plus L1's kvm_exit tracepoint counts by reason (`measured.l1Exits`).
import type { Availability, Engine, EngineOptionSpec, EngineRunInput, GuestOp, RunCounters } from '../types.ts';
import { checkVmmOptions, KVM_HOST_OPTIONS, refuseCpuTouches, vmmArgsFrom } from '../kvm-host/engine.ts';
import { MAX_MEM_MIB } from '../kvm-host/guest-ram.ts';
import { serialize } from '../kvm-host/op-stream.ts';
import { withoutPhase, type PhasedStream } from '../lab/phase-split.ts';
import { l1Phases } from './svm-exits.ts';
import { toCounters } from '../kvm-host/to-counters.ts';
import { VMM_MAX_TIMEOUT_MS } from '../kvm-host/vmm-process.ts';
import type { Backend } from '../kvm-host/backend.ts';
import { aptProblem } from '../lab/debian-packages.ts';
import { pickAccel, qemuProblem } from '../lab/qemu-runner.ts';
import { runnerProblem } from '../lab/op-runner/output.ts';
import { missingRequirements } from '../lab/requirements.ts';
import { imagePackages } from './image.ts';
import { baselineFor, l1, runLinuxOnL1, runOnL1, type L1, type L1Config } from './l1-session.ts';
import { l2Counters } from './l2-counters.ts';
import { offThePairClock } from '../../harness/pair-clock.ts';

/** the VMM's options, and which guest runs the stream */
export const KVM_QEMU_OPTIONS: readonly EngineOptionSpec[] = [
  ...KVM_HOST_OPTIONS,
  { name: 'guest', type: 'enum', values: ['freestanding', 'linux'], default: 'freestanding', description: "freestanding: the kvm-host VMM and guest; linux: Debian's kernel as L2 under QEMU -accel kvm in L1, the op-runner running the operations as system calls" },
];

/** L2's RAM beyond what guestRamMb gives the freestanding guest: Linux's kernel, page cache and initramfs */
const L2_LINUX_MIB = 112;

/** an L2 Linux boot under L1's KVM under TCG takes minutes on a loaded machine; the run's own timeout comes on top */
const L2_BOOT_ALLOWANCE_MS = 600_000;

function backendOf(l: L1): Backend {
  const kernel = l.image.packages[0];
  return {
    module: 'kvm_amd',
    label: `kvm_amd (SVM) in ${kernel.name} ${kernel.version} under QEMU ${l.accel.toUpperCase()}`,
    nestedParam: null,
    hostIsGuest: true,
    disabledOps: [],
  };
}

/** `phased`: the op-runner runs every record, so the phase is taken out and remembered (lab/phase-split.ts);
 *  `stream`: its ops serialized */
async function runLinux(machine: L1, input: EngineRunInput, phased: PhasedStream, stream: Uint8Array): Promise<RunCounters> {
  const { ops, measuredFrom } = phased;
  const args = vmmArgsFrom(input.options, false, [], ops);
  // Linux itself needs room beside the regions (the recorded runs booted L2 in 128 MiB with 1 MiB of regions)
  if (!(Number(input.options.memMb) > 0)) args.memMb = Math.min(MAX_MEM_MIB, args.memMb + L2_LINUX_MIB);
  const started = Date.now();
  const run = await runLinuxOnL1(machine.session, { memMb: args.memMb, computeCap: args.computeCap, cpus: args.cpus, timeoutMs: args.timeoutMs + L2_BOOT_ALLOWANCE_MS }, stream, ops.length)
    .catch((err: Error) => { throw new Error(`kvm-qemu run failed: ${err.message}`); });
  const kernel = machine.image.packages[0];
  return l2Counters({
    ops, measuredFrom, runner: run.runner, exits: run.exits, overrun: run.overrun,
    about: {
      backend: { module: 'kvm_amd', label: `kvm_amd (SVM) in ${kernel.name} ${kernel.version} under QEMU ${machine.accel.toUpperCase()}, guest: the same kernel under QEMU -accel kvm in L1`, nestedParam: null, hostIsGuest: true },
      timingsNote: `${machine.timings}: L2 runs under L1's KVM, itself emulated, so times are not representative`,
      lab: { image: machine.image.key, packages: machine.image.packages, accel: machine.accel, bootMs: machine.bootMs, l2RunMs: Date.now() - started },
    },
  });
}

/**
 * The VMM's watchdog, stretched by how much slower than hardware the guest runs here: `timeoutMs` is meant
 * for a guest on hardware, where the probe's 2-instruction loop (dec; jnz, macro-fused) takes one cycle per
 * iteration. QEMU's TSC follows the host's clock, so under TCG the loop's cost in TSC cycles is the slowdown
 * itself (about 40 on the recorded runs, over 60 on a loaded machine); under nested KVM it stays near 1 and so
 * does the watchdog. Never past the VMM's own limit, which would refuse the whole command line.
 */
export function watchdogMs(timeoutMs: number, loopCycles: number): number {
  return Math.min(VMM_MAX_TIMEOUT_MS, Math.round(timeoutMs * Math.max(1, loopCycles)));
}

/** with a QEMU stand-in (tests) the host checks are skipped */
export function createKvmQemuEngine(config: L1Config = {}): Engine {
  let checked: Availability | null = null;
  function availability(): Availability {
    if (checked) return checked;
    const missing = config.qemu ? null : missingRequirements()[0];
    const problem = config.qemu ? null : qemuProblem()
      ?? (missing ? `${missing.program ?? missing.file} is missing (${missing.package}; hvbench lab setup installs it)` : null)
      ?? aptProblem()
      // the image carries the op-runner for guest=linux
      ?? runnerProblem();
    if (problem) return (checked = { available: false, reason: problem });
    try {
      imagePackages();
    } catch (err) {
      return (checked = { available: false, reason: (err as Error).message });
    }
    return (checked = { available: true });
  }

  return {
    id: 'kvm-qemu',
    title: 'KVM under QEMU, measured',
    description: "the kvm-host VMM and guest on a real KVM: Debian's kernel with kvm_amd under qemu-system-x86_64 (TCG, -cpu max); real exit counts, timings not representative",
    mode: 'measured',
    options: KVM_QEMU_OPTIONS,
    // the freestanding guest's phase op (the VMM keeps its tallies and L1's histogram there), the op-runner's
    // per-operation brackets for the Linux guest
    phases: true,
    checkOptions: (options) => checkVmmOptions('kvm-qemu', options),
    availability,
    timingsCaveat: () => `KVM itself runs inside QEMU, under ${pickAccel().timings}`,
    async run(input: EngineRunInput): Promise<RunCounters> {
      const a = availability();
      if (!a.available) throw new Error(`kvm-qemu is unavailable: ${a.reason}`);
      const ops = [...input.ops];
      const linux = input.options.guest === 'linux';
      // a stream the guest cannot run is refused before L1 is built and booted
      const phased = linux ? withoutPhase(ops) : null;
      if (!linux) refuseCpuTouches('kvm-qemu', ops);
      const stream = phased ? serialize(phased.ops, 'kvm-qemu', phased.workloadIndex) : serialize(ops, 'kvm-qemu');
      // building the image and booting L1 serve every pair this worker runs: not this pair's --timeout
      const machine = await offThePairClock(() => l1(config));
      if (phased) return runLinux(machine, input, phased, stream.bytes);
      const backend = backendOf(machine);
      // the guest runs emulated under TCG: compute loops stay capped whatever the option's default
      const args = vmmArgsFrom(input.options, false, [], ops);
      args.timeoutMs = watchdogMs(args.timeoutMs, machine.loopCycles);
      const baseline = await baselineFor(machine, args.cpus, args.apic).catch((err: Error) => {
        throw new Error(`kvm-qemu: the boot baseline on ${args.cpus} vCPUs (${args.apic ?? 'x2apic'}) failed: ${err.message}`);
      });
      const { report, exits, setupExits } = await runOnL1(machine.session, args, stream.bytes).catch((err: Error) => {
        throw new Error(`kvm-qemu run failed: ${err.message}`);
      });
      if (report.ops.length !== ops.length) throw new Error(`kvm-qemu run failed: the VMM reported ${report.ops.length} operations for ${ops.length}`);
      const counters = toCounters({ ops, report, backend, computeCap: args.computeCap, io: args.io });
      counters.measured = {
        ...counters.measured,
        timingsRepresentative: false,
        timingsNote: `${machine.timings}; a 2-instruction guest loop costs ${machine.loopCycles.toFixed(0)} TSC cycles per iteration`,
        watchdogMs: args.timeoutMs,
        l1Exits: {
          ...exits, ...l1Phases(exits, setupExits), baseline: baseline.exits.byReason, baselineByPhase: baseline.byPhase, vcpus: args.cpus,
          source: 'kvm:kvm_exit tracepoint in L1 (hist trigger, keys exit_reason and info1); byReason is the whole run, setupByReason the histogram the VMM copied at the phase op less that op\'s own port write',
        },
        lab: { image: machine.image.key, packages: machine.image.packages, accel: machine.accel, bootMs: machine.bootMs },
      };
      return counters;
    },
  };
}

export const kvmQemuEngine = createKvmQemuEngine();
