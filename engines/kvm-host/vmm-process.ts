// Running the VMM: one child process per run, the operation stream on stdin, one JSON report on stdout.
// Everything that can go wrong in the child (no output, garbage, a signal, a hang past the deadline) comes
// back as a `VmmOutcome` with a one-line reason; nothing thrown here escapes as a crash of the harness.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const here = new URL('.', import.meta.url).pathname;

/** the longest watchdog the VMM takes (`--timeout-ms`, parse_u64's bound in vmm/main.c): one hour */
export const VMM_MAX_TIMEOUT_MS = 3_600_000;

export const BUILD_DIR = join(here, 'build');

export interface VmmPaths {
  /** the VMM executable, or a .mjs/.js script run with node (the fake VMM of the tests) */
  vmm: string;
  guest: string;
}

export const builtPaths: VmmPaths = { vmm: join(BUILD_DIR, 'hvbench-vmm'), guest: join(BUILD_DIR, 'guest.bin') };

export interface VmmArgs {
  memMb: number;
  timeoutMs: number;
  io: 'virtio' | 'emulated';
  computeCap: number;
  disable: string[];
  /** how the guest's timer op arms its LAPIC timer (guest/apic.c); deadline when not given */
  lapicTimer?: LapicTimerMode;
  /** vCPUs to start (1 to MAX_VCPUS); the VMM's default, 2, when not given */
  cpus?: number;
  /** the guest's local APIC mode (guest/apic.c); x2apic when not given */
  apic?: ApicMode;
  /** a file the VMM copies at the end of setup (the guest's phase op): kvm-qemu's exit histogram in L1 */
  phaseCopy?: { from: string; to: string };
}

/** the `apic` option's values, as the VMM's --apic takes them */
export const APIC_MODES = ['x2apic', 'xapic'] as const;
export type ApicMode = typeof APIC_MODES[number];

/** abi.h ABI_MAX_CPUS: the APs' stacks fill the room the guest's layout gives them */
export const MAX_VCPUS = 8;

/** the `lapictimer` option's values, as the VMM's --lapic-timer takes them */
export const LAPIC_TIMER_MODES = ['deadline', 'oneshot', 'periodic'] as const;
export type LapicTimerMode = typeof LAPIC_TIMER_MODES[number];

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

const guestCounters = z.object({
  loopCyclesX1000: count, pageFaults: count, protectionFaults: count, cr3Writes: count, invlpgs: count,
  fullFlushes: count, syscalls: count, gpFaults: count, udFaults: count, framesUsed: count,
  // the process counters: absent from reports recorded before the guest ran fork/exec/exit
  forks: count.default(0), execs: count.default(0), exits: count.default(0), cowFaults: count.default(0),
  // guest/apic.c and guest/smp.c; absent from a VMM built before them
  timerIrqs: count.default(0), ipisReceived: count.default(0), remoteInvlpgs: count.default(0), remoteFullFlushes: count.default(0),
  eoiWrites: count.default(0),
  // guest/io.c: notifies written, notifies avail_event made unnecessary, completion interrupts taken, HLTs
  // waiting for completions
  virtioKicks: count.default(0), virtioKicksSuppressed: count.default(0), virtioIrqs: count.default(0), virtioHalts: count.default(0),
  // what CPUID offered the guest (1 or 0); absent from a VMM built before the guest read it
  pcid: count.optional(), invpcid: count.optional(),
  // guest/apic.c: xAPIC register accesses during the ops, and interrupts taken between a wait's STI and HLT;
  // absent from a VMM built before them
  apicMmio: count.default(0), earlyWakeups: count.default(0), waitHalts: count.default(0),
});

const runReport = z.object({
  ok: z.boolean(),
  stage: z.literal('run'),
  error: z.string().optional(),
  exitReason: z.string().optional(),
  rip: count.optional(),
  guestStatus: count,
  wallNs: count,
  exits: counts,
  exitsOutsideOps: count,
  controlExits: count,
  devices: z.object({
    debug: count, serial: count, block: count, msr: count, msrRefused: count.default(0), mmio: count,
    // the virtio-blk I/O thread (vmm/devices/virtio-blk-thread.c): notifies KVM signalled through the ioeventfd,
    // requests served, irqfd interrupts raised and publications used_event suppressed; absent before it existed
    vring: count, virtioRequests: count.default(0), virtioIrqs: count.default(0), virtioIrqsSuppressed: count.default(0),
  }),
  guest: guestCounters,
  /** per op: [TSC cycles, status (0 not run, 1 ok, 2 skipped, 3 failed), detail, exits] */
  ops: z.array(z.tuple([count, count, count, count])),
  vmStats: counts.nullable(),
  /** vCPU 0's */
  vcpuStats: counts.nullable(),
  /** vCPU 1 onwards; absent from a VMM built before it read them */
  otherVcpuStats: z.array(counts.nullable()).default([]),
  /** the tallies at the guest's phase op (boot and setup); absent when the stream has none. The top-level
   *  counts are the whole run's */
  setup: z.object({
    exits: counts, exitsOutsideOps: count, guest: guestCounters, vmStats: counts.nullable(), vcpuStats: counts.nullable(),
    otherVcpuStats: z.array(counts.nullable()).default([]),
  }).optional(),
  console: z.string(),
});
const setupReport = z.object({ ok: z.literal(false), stage: z.literal('setup'), error: z.string() });

export type VmmRunReport = z.infer<typeof runReport>;

export type VmmOutcome =
  | { kind: 'report'; report: VmmRunReport }
  | { kind: 'setup-error'; error: string }
  | { kind: 'crash'; error: string };

export function vmmArgv(paths: VmmPaths, args: VmmArgs): { file: string; argv: string[] } {
  const argv = ['--guest', paths.guest, '--mem-mb', String(args.memMb), '--timeout-ms', String(args.timeoutMs),
    '--io', args.io, '--compute-cap', String(args.computeCap), '--disable', args.disable.length ? args.disable.join(',') : 'none',
    '--lapic-timer', args.lapicTimer ?? 'deadline', ...(args.cpus === undefined ? [] : ['--cpus', String(args.cpus)]),
    ...(args.apic === 'xapic' ? ['--apic', 'xapic'] : []),
    ...(args.phaseCopy ? ['--phase-copy-from', args.phaseCopy.from, '--phase-copy-to', args.phaseCopy.to] : [])];
  return /\.(mjs|js)$/.test(paths.vmm) ? { file: process.execPath, argv: [paths.vmm, ...argv] } : { file: paths.vmm, argv };
}

/** interpret what a VMM process printed and how it ended */
export function parseVmmOutput(stdout: string, status: number | null, signal: string | null): VmmOutcome {
  const line = stdout.trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    const how = signal ? `was killed by ${signal}` : `exited with status ${status}`;
    return { kind: 'crash', error: `the VMM ${how} without a valid report` };
  }
  const setup = setupReport.safeParse(json);
  if (setup.success) return { kind: 'setup-error', error: setup.data.error };
  const run = runReport.safeParse(json);
  if (!run.success) {
    const issue = run.error.issues[0];
    return { kind: 'crash', error: `the VMM printed an invalid report (${issue?.path.join('.') || 'root'}: ${issue?.message})` };
  }
  return { kind: 'report', report: run.data };
}

/** run once; the child is killed if it outlives its own watchdog by `graceMs` */
export function runVmm(paths: VmmPaths, args: VmmArgs, stream: Uint8Array, graceMs = 5000): Promise<VmmOutcome> {
  const { file, argv } = vmmArgv(paths, args);
  return new Promise((resolve) => {
    let stdout = '';
    let settled = false;
    const done = (outcome: VmmOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ kind: 'crash', error: `the VMM did not finish within ${args.timeoutMs + graceMs} ms and was killed` });
    }, args.timeoutMs + graceMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => { if (stdout.length < 64 << 20) stdout += chunk; });
    child.on('error', (err) => done({ kind: 'crash', error: `cannot start the VMM: ${err.message}` }));
    child.on('close', (status, signal) => done(parseVmmOutput(stdout, status, signal)));
    child.stdin.on('error', () => { /* the child may exit before reading everything: its report says why */ });
    child.stdin.end(stream);
  });
}

/** the same, synchronously: for availability(), which must answer without a promise */
export function runVmmSync(paths: VmmPaths, args: VmmArgs, stream: Uint8Array): VmmOutcome {
  const { file, argv } = vmmArgv(paths, args);
  const r = spawnSync(file, argv, { input: stream, encoding: 'utf8', timeout: args.timeoutMs + 5000, stdio: ['pipe', 'pipe', 'ignore'] });
  if (r.error) return { kind: 'crash', error: `cannot run the VMM: ${r.error.message}` };
  return parseVmmOutput(r.stdout ?? '', r.status, r.signal);
}

export type BuildStatus = { ok: true } | { ok: false; reason: string };

export function readBuildStatus(dir = BUILD_DIR): BuildStatus {
  const file = join(dir, 'status.json');
  if (!existsSync(file)) return { ok: false, reason: 'the VMM is not built (npm install runs engines/kvm-host/build.mjs)' };
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { ok?: boolean; reason?: string };
    return s.ok ? { ok: true } : { ok: false, reason: `the VMM build failed: ${s.reason ?? 'no reason recorded'}` };
  } catch {
    return { ok: false, reason: `unreadable build status ${file}` };
  }
}
