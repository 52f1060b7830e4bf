// The known causes of a measured count differing from the model's, each tied to what the run says it ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainDifference } from '../../../reports/model-check/known-differences.ts';
import type { RunResult } from '../../../harness/results.ts';

const run = (ops: string[], timingsRepresentative = false, eoiWrites = 0): RunResult =>
  ({ measured: { timingsRepresentative, opCosts: Object.fromEntries(ops.map((o) => [o, { ops: 1 }])), guest: { eoiWrites } } }) as unknown as RunResult;

test("the LAPIC timer's and vCPU 1's differences are explained only for runs that had those ops", () => {
  // hlt: the periodic timer started and stopped around the op
  assert.match(explainDifference('MSR_WRITE', run(['hlt'])) ?? '', /periodic LAPIC timer/);
  // without either, only the freestanding guest's missing busy tick is left to name
  assert.match(explainDifference('MSR_WRITE', run(['cpuid'])) ?? '', /^the freestanding guest keeps no periodic tick/);
  // EOIs written without the PV EOI flag are named with their count, beside the hlt op's timer writes
  assert.match(explainDifference('MSR_WRITE', run(['ipi'], false, 1234)) ?? '', /^1,234 are EOIs/);
  assert.match(explainDifference('MSR_WRITE', run(['hlt'], false, 5)) ?? '', /periodic LAPIC timer.*; 5 are EOIs/);
  // shootdown: the model's kicks of running vCPUs against halted APs, beside the host's interrupts
  assert.match(explainDifference('EXTERNAL_INTERRUPT', run(['shootdown'])) ?? '', /^the model's flush IPIs reach threads running .*per unit of wall-clock time/);
  assert.match(explainDifference('EXTERNAL_INTERRUPT', run(['cpuid'])) ?? '', /^host interrupts come per unit of wall-clock time/);
  // shootdown: each AP halts after each flush
  assert.match(explainDifference('HLT', run(['map', 'touch', 'shootdown'])) ?? '', /one HLT per AP per shootdown/);
  assert.equal(explainDifference('HLT', run(['ipi'])), null);
  // timer: a tick pending at the HLT, only where the guest is emulated (slower than the period)
  assert.match(explainDifference('INTERRUPT_WINDOW', run(['timer'])) ?? '', /interrupt window/);
  assert.equal(explainDifference('INTERRUPT_WINDOW', run(['timer'], true)), null);
});

test('an interrupt window under emulation: the hlt op\'s periodic timer and IPIs into a handler are named', () => {
  assert.match(explainDifference('INTERRUPT_WINDOW', run(['hlt'])) ?? '', /pending there/);
  assert.match(explainDifference('INTERRUPT_WINDOW', run(['ipi'])) ?? '', /still in an interrupt handler/);
  assert.equal(explainDifference('INTERRUPT_WINDOW', run(['cpuid'])), null);
  assert.equal(explainDifference('INTERRUPT_WINDOW', run(['ipi'], true)), null, 'on hardware the timing is not TCG\'s');
});

test("the virtio batches the measured guest did not halt for explain its fewer HLTs and its interrupt windows", () => {
  const io = (virtioHalts: number, virtioIrqs: number): RunResult =>
    ({ measured: { io: 'virtio', timingsRepresentative: false, opCosts: { io: { ops: 1 } }, guest: { virtioHalts }, devices: { virtioIrqs, virtioIrqsSuppressed: 0 } } }) as unknown as RunResult;
  // kvm-qemu's io/disk-random: 382 HLTs for 5,000 one-request batches
  assert.match(explainDifference('HLT', io(382, 5000)) ?? '', /^the measured guest halted for 382 of 5,000 virtio batches/);
  assert.match(explainDifference('INTERRUPT_WINDOW', io(382, 5000)) ?? '', /interrupt window/);
  // a guest that halted for every batch (io/disk-seq's 32 of 32) has no such difference to explain
  assert.equal(explainDifference('HLT', io(32, 32)), null);
  assert.equal(explainDifference('INTERRUPT_WINDOW', io(32, 32)), null);
  // nor a run without io ops
  assert.equal(explainDifference('HLT', run(['cpuid'])), null);
});

// kvm-qemu:guest=linux, as a run of 200 ipi wake-ups recorded them: the MSR each write exit wrote, by vCPU
const l2Run = (ops: Array<[string, string]>, msrWrites: Record<string, Record<string, number>>): RunResult =>
  ({ options: { guest: 'linux' }, measured: { timingsRepresentative: false, ops: ops.map(([op, status]) => ({ op, status })), l1Exits: { msrWrites } } }) as unknown as RunResult;

test("the Linux L2's IPIs: single-destination ICR writes as the model's, and the other MSR writes named by MSR", () => {
  const writes = { '0x830': { 0: 253 }, '0x6e0': { 0: 300, 1: 415 }, '0x80b': { 0: 5, 1: 90 } };
  const ran = l2Run([['ipi', 'ok']], writes);
  // the model sends an IPI to one vCPU as Linux does, an ICR write: a VMCALL difference has no known cause
  assert.equal(explainDifference('VMCALL', ran), null);
  const why = explainDifference('MSR_WRITE', ran) ?? '';
  // the ICR writes are the model's too, so they name no cause; 300 + 415 = 715 TSC deadline; 5 + 90 = 95 EOI
  assert.doesNotMatch(why, /ICR/);
  assert.match(why, /^715 are IA32_TSC_DEADLINE writes \(300 on vCPU 0, 415 on vCPU 1\)/);
  assert.match(why, /; 95 are EOIs written to the x2APIC \(5 on vCPU 0, 90 on vCPU 1\)/);
  // an MSR the runs never showed leaves the difference open, and so do ICR writes alone
  assert.equal(explainDifference('MSR_WRITE', l2Run([['ipi', 'ok']], { ...writes, '0x10': { 0: 1 } })), null);
  assert.equal(explainDifference('MSR_WRITE', l2Run([['ipi', 'ok']], { '0x830': { 0: 253 } })), null);
  // a skipped ipi (a stream without the helper) explains nothing
  assert.equal(explainDifference('MSR_WRITE', l2Run([['ipi', 'skipped']], writes)), null);
  assert.match(explainDifference('HLT', ran) ?? '', /vCPU 1 idles in HLT between the helper's requests/);
  assert.match(explainDifference('INTERRUPT_WINDOW', ran) ?? '', /interrupt window/);
  // host interrupts stay explained as on every emulated run
  assert.match(explainDifference('EXTERNAL_INTERRUPT', ran) ?? '', /per unit of wall-clock time/);
});

test("the Linux L2's shootdowns: no flush IPI to a preempted vCPU, and the console's port writes", () => {
  // 3 shootdowns, as a run recorded them: their ops wrote IA32_TSC_DEADLINE and EOIs but no ICR
  const shootdownRun = (shootdownMsrs: Record<string, Record<string, number>>, ioPorts: Record<string, number>) =>
    ({ options: { guest: 'linux' }, measured: { timingsRepresentative: false, l1Exits: { msrWrites: { '0x6e0': { 0: 55, 1: 18 } }, ioPorts },
      ops: [{ op: 'map', status: 'ok' }, ...[1, 2, 3].map(() => ({ op: 'shootdown', status: 'ok', msrWrites: shootdownMsrs }))] } }) as unknown as RunResult;
  const com1 = { '0x3f8': 249, '0x3f9': 4, '0x3fa': 23, '0x3fd': 18, '0x3fe': 18 };
  const quiet = shootdownRun({ '0x6e0': { 0: 21 } }, com1);
  // the model's flush IPI to one vCPU is an ICR write (MSR_WRITE); to more, a KVM_HC_SEND_IPI (VMCALL)
  assert.match(explainDifference('MSR_WRITE', quiet) ?? '', /^the model's flush IPIs are ICR writes .*no flush IPI was sent .*kvm_flush_tlb_multi .*kvm:hostcpus=1; 73 are IA32_TSC_DEADLINE/);
  assert.match(explainDifference('VMCALL', quiet) ?? '', /^no flush IPI was sent .*kvm_flush_tlb_multi .*kvm:hostcpus=1$/);
  // an ICR write inside a shootdown would be a flush IPI: then the PV TLB flush is not the reason
  assert.equal(explainDifference('VMCALL', shootdownRun({ '0x830': { 0: 1 } }, com1)), null);
  assert.doesNotMatch(explainDifference('MSR_WRITE', shootdownRun({ '0x830': { 0: 1 } }, com1)) ?? '', /flush IPI/);
  assert.match(explainDifference('HLT', quiet) ?? '', /idles in HLT between the helper's requests/);
  // every IOIO exit on COM1's registers: the runner's console output
  assert.match(explainDifference('IO_INSTRUCTION', quiet) ?? '', /8250 driver's transmit interrupt/);
  // a port outside COM1 leaves the difference open
  assert.equal(explainDifference('IO_INSTRUCTION', shootdownRun({}, { ...com1, '0x608': 3 })), null);
});

test("the Linux L2's threads: touches on helper vCPUs wake them by IPI, and munmaps skip the idle helpers", () => {
  // memory/threads-shootdown in small: a touch on vCPU 0, two on vCPU 1 (one and two 0xfb ICR writes from
  // vCPU 0), then two munmaps, one with an ICR write and a VMCALL, one with neither
  const ops = [
    { op: 'touch', status: 'ok', icrVectors: {} },
    { op: 'touch', status: 'ok', cpu: 1, icrVectors: { '0xfb': { 0: 1 } } },
    { op: 'touch', status: 'ok', cpu: 1, icrVectors: { '0xfb': { 0: 2 } } },
    { op: 'unmap', status: 'ok', exits: { VMCALL: 1 }, msrWrites: { '0x830': { 0: 1 } }, icrVectors: { '0xfb': { 0: 1 } } },
    { op: 'unmap', status: 'ok', exits: {}, msrWrites: {} },
  ];
  const threads = { options: { guest: 'linux' }, measured: { timingsRepresentative: false, ops, l1Exits: { msrWrites: { '0x830': { 0: 4 }, '0x6e0': { 0: 6, 1: 4 } } } } } as unknown as RunResult;
  // 1 + 2 = 3 ICR writes in the 2 touches on vCPU 1; 6 + 4 = 10 TSC deadline writes
  assert.match(explainDifference('MSR_WRITE', threads) ?? '', /^3 are ICR writes inside the 2 touches run on other vCPUs \(3 CALL_FUNCTION_SINGLE \(0xfb\)\): each wakes the op-runner's helper thread .*; 10 are IA32_TSC_DEADLINE writes \(6 on vCPU 0, 4 on vCPU 1\)/);
  // of the 2 munmaps, 1 wrote an ICR (1 write); 1 VMCALL between them
  assert.match(explainDifference('VMCALL', threads) ?? '', /lazy TLB mode.*: of 2 munmaps 1 wrote an ICR \(1 writes\), and they made 1 VMCALLs$/);
  assert.match(explainDifference('HLT', threads) ?? '', /^the vCPUs of L2's helper threads idle in HLT between their touches/);
  // touches all on vCPU 0 are no threads: nothing named
  const single = { ...threads, measured: { ...threads.measured, ops: [ops[0], ops[4]] } } as unknown as RunResult;
  assert.equal(explainDifference('VMCALL', single), null);
});

test("the Linux L2's shootdowns split at the munmap: IPIs before it wake the helpers, most munmaps send none", () => {
  // 4 shootdowns of 4 vCPUs: each wrote three 0xfb ICRs before its munmap (one wake-up per helper); the last
  // also one 0xfb during it, and made the one VMCALL
  const shootdown = (during: number, vmcalls: number) => ({ op: 'shootdown', status: 'ok', exits: { VMCALL: vmcalls },
    msrWrites: { '0x830': { 0: 3 + during } }, icrVectors: { '0xfb': { 0: 3 + during } }, icrVectorsInUnmap: during ? { '0xfb': { 0: during } } : {} });
  const run = (ops: unknown[]) => ({ options: { guest: 'linux' }, measured: { timingsRepresentative: false, ops, l1Exits: { msrWrites: { '0x830': { 0: 13 }, '0x6e0': { 0: 2 } } } } }) as unknown as RunResult;
  const mostlyNone = run([shootdown(0, 0), shootdown(0, 0), shootdown(0, 0), shootdown(1, 1)]);
  // 3 × 3 + 4 = 13 ICR writes, 12 before the munmaps, 1 during
  assert.match(explainDifference('MSR_WRITE', mostlyNone) ?? '', /^13 are ICR writes inside the 4 shootdowns: 12 before the munmap \(12 CALL_FUNCTION_SINGLE \(0xfb\)\), .*, and 1 during it \(1 CALL_FUNCTION_SINGLE \(0xfb\); /);
  assert.match(explainDifference('VMCALL', mostlyNone) ?? '', /^3 of 4 munmaps sent no IPI at all \(no ICR write during the munmap; 1 in the other 1, and 1 VMCALLs in all the shootdowns\) .*kvm_flush_tlb_multi/);
  // 3 of 4 munmaps with an IPI: the PV flush is not what happened
  assert.equal(explainDifference('VMCALL', run([shootdown(0, 0), shootdown(1, 0), shootdown(1, 0), shootdown(1, 1)])), null);
});

test("an xAPIC guest on kvm-qemu: its register accesses are nested page faults (no AVIC), named with their count", () => {
  const xapic = (engineId: string, apic: string, apicMmio: number): RunResult =>
    ({ engineId, options: { apic }, measured: { timingsRepresentative: false, opCosts: { ipi: { ops: 1 } }, guest: { apicMmio } } }) as unknown as RunResult;
  // 1,000 masked self-IPIs in xAPIC mode: one ICR write each (the self shorthand), so 1,000 accesses
  const why = explainDifference('APIC_ACCESS', xapic('kvm-qemu', 'xapic', 1000)) ?? '';
  assert.match(why, /^the measured guest made 1,000 xAPIC register accesses; on SVM without AVIC/);
  assert.equal(explainDifference('EPT_MISCONFIG', xapic('kvm-qemu', 'xapic', 1000)), why);
  // its EOIs and timer writes are stores, not WRMSRs: the MSR_WRITE row names only the model's busy tick
  const hlt = { ...xapic('kvm-qemu', 'xapic', 114), measured: { timingsRepresentative: false, opCosts: { hlt: { ops: 1 } }, guest: { apicMmio: 114, eoiWrites: 111 } } } as unknown as RunResult;
  assert.match(explainDifference('MSR_WRITE', hlt) ?? '', /^the freestanding guest keeps no periodic tick/);
  // a periodic tick pending at the HLT of an emulated guest's hlt op, as of a timer op
  assert.match(explainDifference('INTERRUPT_WINDOW', hlt) ?? '', /the tick is pending there/);
  // x2APIC mode, or kvm-host (VT-x takes APIC_ACCESS itself), has no such difference
  assert.equal(explainDifference('APIC_ACCESS', xapic('kvm-qemu', 'x2apic', 0)), null);
  assert.equal(explainDifference('APIC_ACCESS', xapic('kvm-host', 'xapic', 1000)), null);
});
