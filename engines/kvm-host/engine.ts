// The measured engine `kvm-host`: runs a workload's operation stream in a real guest through /dev/kvm with
// the small VMM in vmm/ and the guest in guest/ (docs/architecture.md#measured-engines). One VMM process per run; a failed run (watchdog,
// triple fault, failed entry, a crashed VMM) is a rejected promise with a one-line reason, which the harness
// records as the run's `error`.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import type { Availability, Engine, EngineOptionSpec, EngineRunInput, GuestOp, OptionValue, RunCounters } from '../types.ts';
import { checkIntegerOption } from '../integer-option.ts';
import { guestRamMb, MAX_MEM_MIB, MIN_MEM_MIB } from './guest-ram.ts';
import { detectBackend, NATIVE_LOOP_LIMIT } from './backend.ts';
import { serialize } from './op-stream.ts';
import { UsageError } from '../../harness/errors.ts';
import { toCounters } from './to-counters.ts';
import { APIC_MODES, builtPaths, LAPIC_TIMER_MODES, MAX_VCPUS, readBuildStatus, runVmm, runVmmSync, VMM_MAX_TIMEOUT_MS, type VmmArgs, type VmmOutcome, type VmmPaths } from './vmm-process.ts';

/** also the options of kvm-qemu, which runs the same VMM one level down */
export const KVM_HOST_OPTIONS: readonly EngineOptionSpec[] = [
  { name: 'io', type: 'enum', values: ['virtio', 'emulated'], default: 'virtio', description: 'block device for io ops: virtio-blk (an ioeventfd notify per 32 requests, an irqfd MSI per batch) or the register-level emulated device' },
  { name: 'timeoutMs', type: 'number', default: 60000, description: 'watchdog: a guest still running after this long is stopped and the run fails' },
  { name: 'memMb', type: 'number', default: 0, description: 'guest RAM in MiB (16-768); map/touch regions are demand-faulted from it; 0 sizes it to the regions the workload maps at once (guest-ram.ts)' },
  { name: 'computeCap', type: 'number', default: 0, description: 'most loop iterations one compute op runs; 0 picks 1e9 on a native backend, 1000 on an emulating one' },
  { name: 'lapictimer', type: 'enum', values: [...LAPIC_TIMER_MODES], default: 'deadline', description: "how the guest's timer op arms its LAPIC timer, as kvm's option of that name: deadline (a TSC-deadline WRMSR per tick), oneshot (a TMICT write per tick), periodic (one TMICT write per op; KVM re-arms its hrtimer itself)" },
  { name: 'apic', type: 'enum', values: [...APIC_MODES], default: 'x2apic', description: "the guest's local APIC mode, as kvm's option of that name: x2apic (MSR registers); xapic (memory-mapped registers at 0xfee00000, a guest booted with nox2apic): each access an APIC-access exit, or a nested page fault KVM emulates on SVM without AVIC" },
];

/**
 * kvm-host's and kvm-qemu's numeric options within what the VMM accepts (parse_u64's bounds in vmm/main.c), so
 * a value it would refuse with its usage text is refused here, in one line naming the option
 */
export function checkVmmOptions(engine: string, options: Record<string, OptionValue>): void {
  checkIntegerOption(engine, 'timeoutMs', options.timeoutMs, 1, VMM_MAX_TIMEOUT_MS);
  checkIntegerOption(engine, 'memMb', options.memMb, MIN_MEM_MIB, MAX_MEM_MIB, 'sized to the workload');
  checkIntegerOption(engine, 'computeCap', options.computeCap, 1, 2 ** 40, 'chosen by backend');
}

export interface KvmHostConfig {
  /** a VMM executable or a .mjs script (the fake VMM); given explicitly, /dev/kvm and the build are not checked */
  paths?: VmmPaths;
}

function kvmDeviceProblem(): string | null {
  if (process.platform !== 'linux') return `kvm-host needs Linux (this is ${process.platform})`;
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm on this host (KVM module not loaded or no virtualization support)';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return 'permission denied on /dev/kvm (add this user to the kvm group)';
  }
  return null;
}

const EMPTY_STREAM = serialize([]).bytes;

/** what went wrong in a VMM run, in one line; null when it completed */
export function describe(outcome: VmmOutcome): string | null {
  if (outcome.kind === 'report') {
    const r = outcome.report;
    if (r.ok) return null;
    const op = r.ops.findIndex(([, status]) => status === 0);
    const where = op >= 0 ? ` during operation ${op}` : '';
    const console = r.console.trim() ? `; guest console: ${r.console.trim().split('\n').pop()}` : '';
    return `${r.error ?? 'failed'} (exit ${r.exitReason ?? 'unknown'}${where}, rip 0x${(r.rip ?? 0).toString(16)})${console}`;
  }
  return outcome.error;
}

/** The freestanding guest runs every touch on vCPU 0 (its APs only take IPIs, guest/smp.c), so a touch naming
 *  another CPU would silently run there: refused with the op's index, as the op-runner runs it on that CPU */
export function refuseCpuTouches(engine: string, ops: readonly GuestOp[]): void {
  const i = ops.findIndex((op) => op.op === 'touch' && (op.cpu ?? 0) !== 0);
  if (i < 0) return;
  const op = ops[i] as Extract<GuestOp, { op: 'touch' }>;
  throw new UsageError(`${engine}: op ${i} (touch) cpu ${op.cpu}: the freestanding guest runs touches on vCPU 0 only (kvm-qemu:guest=linux runs them on that CPU)`);
}

/** vCPUs for a stream: as many as its largest shootdown the guest can run asks for or its highest touch CPU
 *  needs (the op-runner's threads), at least the 2 its ipi ops use */
export function vcpusFor(ops: readonly GuestOp[]): number {
  let cpus = 2;
  for (const op of ops) {
    const want = op.op === 'shootdown' ? op.cpus : op.op === 'touch' ? (op.cpu ?? 0) + 1 : 0;
    if (want <= MAX_VCPUS && want > cpus) cpus = want;
  }
  return cpus;
}

/** the VMM's arguments from the engine options; `native`: the guest runs natively, so compute loops are not capped */
export function vmmArgsFrom(options: EngineRunInput['options'], native: boolean, disable: VmmArgs['disable'], ops: GuestOp[]): VmmArgs {
  const cap = Number(options.computeCap ?? 0);
  const mem = Number(options.memMb ?? 0);
  return {
    memMb: mem > 0 ? mem : guestRamMb(ops),
    timeoutMs: Number(options.timeoutMs ?? 60000),
    io: options.io === 'emulated' ? 'emulated' : 'virtio',
    computeCap: cap > 0 ? cap : native ? 1e9 : 1000,
    disable,
    lapicTimer: LAPIC_TIMER_MODES.find((m) => m === options.lapictimer) ?? 'deadline',
    ...(options.apic === 'xapic' ? { apic: 'xapic' as const } : {}),
    cpus: vcpusFor(ops),
  };
}

export interface KvmHostEngine extends Engine {
  run(input: EngineRunInput): Promise<RunCounters>;
  /** TSC cycles per iteration of a 2-instruction loop in the guest, from the availability probe */
  loopCycles(): number | null;
}

export function createKvmHostEngine(config: KvmHostConfig = {}): KvmHostEngine {
  const paths = config.paths ?? builtPaths;
  let probe: { availability: Availability; loopCycles: number | null } | null = null;

  function check(): { availability: Availability; loopCycles: number | null } {
    if (probe) return probe;
    const unavailable = (reason: string) => ({ availability: { available: false as const, reason }, loopCycles: null });
    if (!config.paths) {
      const device = kvmDeviceProblem();
      if (device) return (probe = unavailable(device));
      const build = readBuildStatus();
      if (!build.ok) return (probe = unavailable(build.reason));
    }
    if (!existsSync(paths.vmm) || !statSync(paths.vmm).isFile()) return (probe = unavailable(`no VMM at ${paths.vmm}`));
    // an empty stream still boots the guest into 64-bit mode and measures its loop cost: that is the
    // "unsupported CPU mode" check
    const outcome = runVmmSync(paths, { memMb: 16, timeoutMs: 5000, io: 'virtio', computeCap: 1, disable: [] }, EMPTY_STREAM);
    const problem = describe(outcome);
    if (problem) return (probe = unavailable(`a 64-bit guest does not run on ${detectBackend().label}: ${problem}`));
    const report = outcome.kind === 'report' ? outcome.report : null;
    return (probe = { availability: { available: true }, loopCycles: report ? report.guest.loopCyclesX1000 / 1000 : null });
  }

  return {
    id: 'kvm-host',
    title: 'KVM, measured',
    description: 'the same operations in a real 64-bit guest through /dev/kvm with a small VMM of our own: exits, KVM binary stats and guest TSC cycles as measured',
    mode: 'measured',
    options: KVM_HOST_OPTIONS,
    // the guest's phase op makes the VMM keep its tallies there (vmm/devices/control.c)
    phases: true,
    checkOptions: (options) => checkVmmOptions('kvm-host', options),
    availability: () => check().availability,
    loopCycles: () => check().loopCycles,
    // the probe's loop cost, by the rule to-counters.ts labels the run's timings with
    timingsCaveat() {
      const { loopCycles } = check();
      if (loopCycles === null || loopCycles <= NATIVE_LOOP_LIMIT) return null;
      return `${detectBackend().label} does not run the guest natively: a 2-instruction loop costs ${loopCycles.toFixed(0)} TSC cycles per iteration`;
    },
    async run(input: EngineRunInput): Promise<RunCounters> {
      const { availability, loopCycles } = check();
      if (!availability.available) throw new Error(`kvm-host is unavailable: ${availability.reason}`);
      const ops = [...input.ops];
      refuseCpuTouches('kvm-host', ops);
      const stream = serialize(ops);
      const backend = detectBackend();
      const native = loopCycles !== null && loopCycles <= NATIVE_LOOP_LIMIT;
      const args = vmmArgsFrom(input.options, native, backend.disabledOps, ops);
      const outcome = await runVmm(paths, args, stream.bytes);
      const problem = describe(outcome);
      if (problem || outcome.kind !== 'report') throw new Error(`kvm-host run failed: ${problem}`);
      if (outcome.report.ops.length !== ops.length) throw new Error(`kvm-host run failed: the VMM reported ${outcome.report.ops.length} operations for ${ops.length}`);
      return toCounters({ ops, report: outcome.report, backend, computeCap: args.computeCap, io: args.io });
    },
  };
}

/** the VMM override of $HVBENCH_KVM_HOST_VMM (and _GUEST), which calibrate must use as the engine does */
export const overriddenPaths: VmmPaths | undefined = process.env.HVBENCH_KVM_HOST_VMM
  ? { vmm: process.env.HVBENCH_KVM_HOST_VMM, guest: process.env.HVBENCH_KVM_HOST_GUEST ?? builtPaths.guest }
  : undefined;

/** the built-in instance: register as `kvm-host` */
export const kvmHostEngine = createKvmHostEngine({ paths: overriddenPaths });
