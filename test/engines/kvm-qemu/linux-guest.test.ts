// kvm-qemu:guest=linux against the fake QEMU, which replays what L1 printed on a real run (Debian 6.1 cloud
// kernel as L1 and L2, kvm_amd in L1, QEMU 7.2 TCG outside and `-accel kvm` inside): the op-runner's lines
// from L2's console, then the kvm_exit events L1's trace put inside each operation's CPUID brackets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GuestOp } from '../../../engines/types.ts';
import { createKvmQemuEngine } from '../../../engines/kvm-qemu/engine.ts';
import { shutdownL1 } from '../../../engines/kvm-qemu/l1-session.ts';
import { BRACKETS_AWK, parseBrackets } from '../../../engines/kvm-qemu/op-brackets.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { findExecutable } from '../../../engines/lab/executables.ts';
import { RUNNER_DETAILS } from '../../../engines/lab/op-runner/output.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/lab/${name}`, import.meta.url));

test.after(shutdownL1);

/** the stream of the recorded run */
const ops: GuestOp[] = [
  { op: 'cpuid', count: 50 },
  { op: 'pio', port: 0x80, write: true, count: 20 },
  { op: 'syscall', count: 10 },
  { op: 'msr', index: 0x10, write: true, count: 1 },
  { op: 'map', region: 'r', bytes: 1 << 20, pageSize: '4k' },
  { op: 'touch', region: 'r', pattern: 'seq', accesses: 256, write: true },
  { op: 'fork' },
  { op: 'switch', to: 2 },
  { op: 'exec' },
  { op: 'exit' },
  { op: 'timer', periodUs: 1000, ticks: 10 },
  { op: 'io', device: 'disk', dir: 'write', bytes: 4096, requests: 4 },
  { op: 'ipi', target: 'other', count: 1 },
];

/** kvm-qemu on the fake QEMU, replaying a recorded L2 run */
function fakeL2Engine(l2Output = 'kvm-qemu-l2-run-mixed.txt') {
  Object.assign(process.env, {
    HVB_FAKE_VMM_OUTPUTS: fixture('kvm-qemu-run-empty.txt'),
    HVB_FAKE_L2_OUTPUT: fixture(l2Output),
  });
  return createKvmQemuEngine({
    qemu: fixture('fake-qemu.mjs'),
    image: () => ({ kernel: '/k', initrd: '/i', key: 'test', packages: [{ name: 'linux-image-test', version: '1' }], buildMs: 0 }),
  });
}

test('guest=linux: exits by VMX reason summed over the operations L2 ran, skipped ones listed, per-op detail kept', async () => {
  const engine = fakeL2Engine();
  const c = await engine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 128, computeCap: 0, guest: 'linux' }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // From the fixture's bracket lines, by reason over the ten operations that ran:
  // CPUID: 50 (op 0, SVM intercepts every CPUID) + 33 (op 8, exec: the new image's C library start-up
  //   reads the CPU's features with CPUID) = 83;
  // EXTERNAL_INTERRUPT (SVM `interrupt`): 2 + 2 + 2 + 2 + 2 (ops 2, 4, 5, 6, 7) + 13 + 2 + 10 + 8 (ops 8-11) = 43;
  // INTERRUPT_WINDOW (`vintr`): 1 + 3 + 1 + 15 + 8 (ops 7, 8, 9, 10, 11) = 28;
  // MSR_WRITE (`msr`, EXITINFO1 1): 1 × 5 (ops 2, 4, 5, 6, 7) + 14 + 1 + 18 + 14 (ops 8-11) = 52, the
  //   TSC-deadline re-arms of L2's timer; MSR_READ (EXITINFO1 0): 1 (op 10);
  // HLT: 1 (op 10, the timer op's idle wait);
  // EPT_MISCONFIG (`npf` with the reserved bit, EXITINFO1 0x10000000e): 4 (op 11: one virtio-blk notify, an
  //   MMIO write KVM finds through a reserved-bit nested entry, per request).
  const expected = { CPUID: 83, EXTERNAL_INTERRUPT: 43, INTERRUPT_WINDOW: 28, MSR_WRITE: 52, MSR_READ: 1, HLT: 1, EPT_MISCONFIG: 4 };
  assert.deepEqual(c.exits.byReason, expected);
  assert.equal(c.exits.total, 83 + 43 + 28 + 52 + 1 + 1 + 4);
  assert.deepEqual(m.l1Exits.byReason, expected);
  // the ops L2 cannot run: pio without ioperm's privilege, msr in ring 0, an IPI to a second CPU
  assert.deepEqual(m.skipped, { total: 3, byOp: { pio: 1, msr: 1, ipi: 1 } });
  assert.deepEqual(m.ops[0].exits, { CPUID: 50 });
  assert.deepEqual(m.ops[11].exits, { EXTERNAL_INTERRUPT: 8, INTERRUPT_WINDOW: 8, EPT_MISCONFIG: 4, MSR_WRITE: 14 });
  // the runner's counts of the ops that ran: faults 2 + 256 + 1 + 3 + 31, context switches 3 + 8 + 2 + 3 + 4
  assert.equal(c.events.pageFaults, 293);
  assert.equal(c.events.contextSwitches, 20);
  // L2's boot and shutdown and the begin markers are outside every bracket: none of it is charged, so no
  // boot baseline is subtracted
  assert.deepEqual(m.l1Exits.baseline, {});
  assert.equal(m.l1Exits.outsideOps, 11575);
  assert.equal(m.timingsRepresentative, false);
  assert.equal(c.cycles.total, 0);
  assert.match(m.backend.label, /^kvm_amd \(SVM\) in linux-image-test 1 under QEMU (TCG|KVM), guest: the same kernel/);
});

// the trace lines as Linux 6.1 prints kvm_exit and kvm_cpuid (arch/x86/kvm/trace.h TP_printk)
const exit = (reason: string, info1: string) =>
  `qemu-system-x86-301 [000] d..1. 72.1: kvm_exit: vcpu 0 reason ${reason} rip 0xffffffff81000000 info1 0x${info1} info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000`;
const msr = (index: string, value = '0x2000000fb') => `qemu-system-x86-301 [000] d..1. 72.1: kvm_msr: msr_write ${index} = ${value}`;
const cpuid = (leaf: string, idx: number) => `qemu-system-x86-301 [000] d..1. 72.1: kvm_cpuid: func ${leaf} idx ${idx.toString(16)} rax 0 rbx 0 rcx 0 rdx 0, cpuid entry not found`;
const TRACE = [
  exit('interrupt', '0000000000000000'),       // L2 boot: outside
  exit('cpuid', '0000000000000000'),           // op 0's begin marker: traced before its kvm_cpuid, outside
  cpuid('4856b001', 0),
  exit('PF excp', '0000000000000004'),         // inside op 0
  exit('npf', '000000010000000e'),             // inside op 0, reserved bit: EPT_MISCONFIG
  exit('io', '0000000003f80210'),              // inside op 0: an OUT to port 0x3f8 (EXITINFO1 bits 31:16)
  exit('cpuid', '0000000000000000'),           // op 0's end marker: inside, taken off again
  cpuid('4856b002', 0),
  exit('msr', '0000000000000001'),             // between ops: outside
  exit('cpuid', '0000000000000000'), cpuid('4856b001', 1),
  exit('msr', '0000000000000001'), msr('830'), // op 1: two MSR writes on vCPU 0, the ICR and the EOI
  exit('msr', '0000000000000001'), msr('80b'),
  // and one ICR write on vCPU 1: vector 0xfd to APIC ID 1 (x2APIC ICR: destination in bits 63:32)
  exit('msr', '0000000000000001').replace('vcpu 0', 'vcpu 1'), msr('830', '0x1000000fd'),
  exit('hypercall', '0000000000000000'),       // op 1: a VMMCALL, which Linux's SVM_EXIT_REASONS names "hypercall"
  // a shootdown's munmap between its markers (their CPUID exits taken off): one more 0xfb ICR write from vCPU 0
  exit('cpuid', '0000000000000000'), cpuid('4856b003', 1),
  exit('msr', '0000000000000001'), msr('830', '0x3000000fb'),
  exit('cpuid', '0000000000000000'), cpuid('4856b003', 0),
  exit('cpuid', '0000000000000000'), cpuid('4856b002', 1),
].join('\n') + '\n';

const busybox = findExecutable('busybox', process.env.PATH ?? '');
test('the bracket program, run by busybox awk as in L1, counts each op\'s exits and drops the markers\' own', { skip: busybox ? false : 'no busybox here' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-brackets-'));
  writeFileSync(join(dir, 'brackets.awk'), BRACKETS_AWK);
  writeFileSync(join(dir, 'trace'), TRACE);
  const r = spawnSync(busybox!, ['awk', '-f', join(dir, 'brackets.awk'), join(dir, 'trace')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const exits = parseBrackets(r.stdout, 2);
  assert.deepEqual(exits.byOp[0].byReason, { EXCEPTION_NMI: 1, EPT_MISCONFIG: 1, IO_INSTRUCTION: 1 });
  assert.deepEqual(exits.ioPorts[0], { '0x3f8': 1 });
  assert.deepEqual(exits.byOp[1].byReason, { MSR_WRITE: 4, VMCALL: 1 });
  assert.deepEqual(exits.byOp[1].bySvm, { msr: 4, vmmcall: 1 });
  // which MSR each write was, by the vCPU whose exit it followed
  assert.deepEqual(exits.msrWrites[1], { '0x830': { 0: 2, 1: 1 }, '0x80b': { 0: 1 } });
  assert.deepEqual(exits.msrWrites[0], {});
  // the ICR writes by vector (the value's low byte): vCPU 0's 0x2000000fb and 0x3000000fb, vCPU 1's
  // 0x1000000fd; the EOI is none. Of them, the one between the unmap markers
  assert.deepEqual(exits.icrVectors[1], { '0xfb': { 0: 2 }, '0xfd': { 1: 1 } });
  assert.deepEqual(exits.icrVectorsInUnmap[1], { '0xfb': { 0: 1 } });
  assert.deepEqual(exits.icrVectors[0], {});
  // the boot interrupt, op 0's begin marker, the MSR write between ops, op 1's begin marker
  assert.equal(exits.outside, 4);
  // a run that stopped inside an operation is an error, not a short count
  assert.throws(() => parseBrackets('outside 3\nbrackets 2\nunclosed 1\n', 3), /2 operations began in L2's trace, the last never ended, for 3 operations/);
});

test('guest=linux with a phase after the first touch: the op-runner runs the stream without it, its brackets before it are setup', async () => {
  const engine = fakeL2Engine();
  const phased: GuestOp[] = [...ops.slice(0, 6), { op: 'phase' }, ...ops.slice(6)];
  const c = await engine.run({ ops: phased, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 128, computeCap: 0, guest: 'linux' }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // setup is ops 0-5 that ran (pio and msr skipped), from the bracket lines read in the test above: CPUID 50
  // (op 0), EXTERNAL_INTERRUPT 2 + 2 + 2 and MSR_WRITE 1 + 1 + 1 (ops 2, 4, 5)
  const setup = { CPUID: 50, EXTERNAL_INTERRUPT: 6, MSR_WRITE: 3 };
  assert.deepEqual(c.setup?.exits.byReason, setup);
  assert.deepEqual(m.l1Exits.setupByReason, setup);
  // the measured phase is the rest: 83 − 50 CPUID, 43 − 6 interrupts, 52 − 3 MSR writes, and the others whole
  const measured = { CPUID: 33, EXTERNAL_INTERRUPT: 37, INTERRUPT_WINDOW: 28, MSR_WRITE: 49, MSR_READ: 1, HLT: 1, EPT_MISCONFIG: 4 };
  assert.deepEqual(c.exits.byReason, measured);
  assert.deepEqual(m.l1Exits.measuredByReason, measured);
  assert.equal(m.measuredFrom, 6);
  assert.equal(m.ops.length, ops.length);
});

test('guest=linux, micro/pio-string: the ioperm\'d rep insb faults in L2, and the op is listed as skipped with that reason, not a crash', async () => {
  // recorded with --privileged (Debian 6.1 as L2 under QEMU -accel kvm in L1, QEMU 7.2 TCG): the runner printed
  // "op 0 pio skipped 10" (the port access faulted) and finished; an op that did not run is never compared.
  // A fresh L1: the fake one replays the L2 output it was started with
  await shutdownL1();
  const engine = fakeL2Engine('kvm-qemu-l2-run-pio-string.txt');
  const ops: GuestOp[] = [{ op: 'pio', port: 0x511, write: false, count: 1000, rep: 4096, width: 1 }];
  const c = await engine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 128, computeCap: 0, guest: 'linux' }, seed: 1 });
  const m = c.measured as Record<string, any>;
  assert.deepEqual(m.skipped, { total: 1, byOp: { pio: 1 } });
  assert.deepEqual([m.ops[0].status, RUNNER_DETAILS[m.ops[0].detail]], ['skipped', 'port access faulted: no I/O privilege']);
});
