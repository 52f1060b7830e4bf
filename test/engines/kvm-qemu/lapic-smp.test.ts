// The freestanding guest's LAPIC timer, IPIs and TLB shootdowns on a real KVM (kvm_amd in L1 under QEMU):
// exits counted at L1's kvm_exit tracepoint, less the boot baseline (whose boot already enabled both vCPUs'
// x2APICs, PV EOI and the AP's first HLT). Skipped, with the reason printed, where the lab cannot run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp, RunCounters } from '../../../engines/types.ts';
import { kvmQemuEngine } from '../../../engines/kvm-qemu/engine.ts';
import { shutdownL1 } from '../../../engines/kvm-qemu/l1-session.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

const a = kvmQemuEngine.availability();
const skip = a.available ? false : `kvm-qemu unavailable here: ${a.reason}`;
if (skip) console.log(`# skipping: ${skip}`);
test.after(shutdownL1);

async function run(ops: GuestOp[], lapictimer: string, apic = 'x2apic'): Promise<{ c: RunCounters; net: (reason: string) => number }> {
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0, lapictimer, apic }, seed: 1 });
  const l1 = (c.measured as { l1Exits: { byReason: Record<string, number>; baseline: Record<string, number> } }).l1Exits;
  return { c, net: (reason) => (l1.byReason[reason] ?? 0) - (l1.baseline[reason] ?? 0) };
}

const eoiWrites = (c: RunCounters): number => (c.measured as { guest: { eoiWrites: number } }).guest.eoiWrites;

// Periods of 5 ms: far longer than the emulated guest's path from a re-arm to its HLT, so every tick finds
// the vCPU halted (a shorter one can be pending at the HLT and come through an interrupt window instead).
test('TSC-deadline timer, IPIs to vCPU 1 and to self, and shootdowns exit as guest/apic.c and smp.c drive them', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'timer', periodUs: 5000, ticks: 20 },
    { op: 'ipi', target: 'other', count: 30 },
    { op: 'ipi', target: 'self', count: 30, masked: true },
  ];
  for (let i = 0; i < 5; i++) {
    ops.push({ op: 'map', region: 'buf', bytes: 4096, pageSize: '4k' }, { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true },
      { op: 'shootdown', region: 'buf', cpus: 2 });
  }
  ops.push({ op: 'shootdown', region: 'buf', cpus: 16 }); // more vCPUs than the guest's 8: skipped
  const { c, net } = await run(ops, 'deadline');
  // MSR_WRITE: the LVTT switched to TSC-deadline mode once, 20 IA32_TSC_DEADLINE writes, 30 SELF_IPI writes
  // (kvm_amd intercepts all three; no AVIC under TCG) = 51; an ICR write for each IPI to vCPU 1 alone (a
  // single destination never takes KVM_HC_SEND_IPI, as in Linux): the 30 IPIs and the 6 shootdown requests;
  // plus each EOI the guest wrote to the x2APIC because KVM had not set its PV EOI flag (KVM does not while
  // another interrupt is pending: apic_sync_pv_eoi_to_guest)
  assert.equal(net('MSR_WRITE'), 51 + 30 + 6 + eoiWrites(c));
  // HLT: one per tick (the BSP waits for each), one per IPI to vCPU 1 (it halts again after the handler),
  // one per request of the shootdowns: 5 flushes and, at the first, loading the process's address space = 6
  assert.equal(net('HLT'), 20 + 30 + 6);
  // VMCALL (VMMCALL on SVM): none, every IPI here has one destination
  assert.equal(net('VMCALL'), 0);
  // the masked self-IPIs are held until the STI: one interrupt window each. An interrupt window is KVM waiting
  // for IF=1 with an interrupt pending, so an IPI or tick that reaches vCPU 1 or the BSP while it is still in
  // a handler adds one: how often depends on TCG's timing (seen: 0 or 1 in a run), hence the small allowance
  const windows = net('INTERRUPT_WINDOW');
  assert.ok(windows >= 30 && windows <= 33, `INTERRUPT_WINDOW ${windows}: 30 masked self-IPIs and at most 3 races`);
  assert.equal(c.events.timerInterrupts, 20);
  assert.equal(c.events.ipis, 36);
  // vCPU 1 INVLPGs the one page of each of the 5 unmaps
  assert.equal(c.tlb.flushes.byCause.shootdown, 5);
  assert.deepEqual((c.measured as { skipped: { byOp: Record<string, number> } }).skipped.byOp, { shootdown: 1 });
  // KVM's statistics per vCPU: the BSP halts once per tick (20); vCPU 1 halts once idle at boot, which the
  // VMM's first read follows (vm_run starts it), and again after each of its 36 requests = 37
  const vcpus = (c.measured as { kvmStats: { vcpus: Array<Record<string, number>> } }).kvmStats.vcpus;
  assert.equal(vcpus.length, 2);
  assert.deepEqual(vcpus.map((v) => v.halt_exits), [20, 37]);
});

const guest = (c: RunCounters) =>
  (c.measured as { guest: { apicMmio: number; eoiWrites: number; earlyWakeups: number; waitHalts: number } }).guest;

test('periodic LAPIC timer: one TMICT write starts the ticks and one stops them; hlt ops wake on the same tick', { skip, timeout: 900_000 }, async () => {
  const { c, net } = await run([{ op: 'timer', periodUs: 5000, ticks: 20 }, { op: 'hlt', count: 10 }], 'periodic');
  // MSR_WRITE: LVTT to periodic once (the hlt op finds it so), TMICT start and stop around each op = 1 + 2 + 2,
  // plus the EOIs written without a PV EOI flag
  assert.equal(net('MSR_WRITE'), 5 + eoiWrites(c));
  // one HLT per tick waited for, 20 + 10, but a periodic tick that falls due before the guest reaches its HLT
  // needs none (the L1 vCPU held off its CPU for longer than the hlt op's 1 ms under load: 29 seen once): each
  // HLT the guest's waits reached is one exit, but for one an interrupt caught between its STI and the HLT
  const g = guest(c);
  assert.ok(g.waitHalts > 0 && g.waitHalts <= 30, `${g.waitHalts} HLTs for 30 ticks`);
  assert.equal(net('HLT'), g.waitHalts - g.earlyWakeups);
  assert.equal(c.events.timerInterrupts, 30);
});

// memory/munmap-shootdown's 4 CPUs: the VMM starts as many vCPUs as the stream's largest shootdown asks for
// (engine.ts vcpusFor), and the baseline is an empty run on as many, so the 3 extra APs' boots are not counted
test('a shootdown to 4 vCPUs: one PV IPI reaches the 3 APs at once, each flushes the page and halts again', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [];
  for (const cpus of [4, 4, 4, 2]) {
    ops.push({ op: 'map', region: 'buf', bytes: 4096, pageSize: '4k' }, { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true },
      { op: 'shootdown', region: 'buf', cpus });
  }
  const { c, net } = await run(ops, 'deadline');
  // VMCALL: KVM_HC_SEND_IPI with a bitmap of vCPUs 1-3 — at the first shootdown one to load the process's
  // address space and one to flush, at the others (the APs still hold it) the flush alone, the last too: a
  // shootdown named for 2 CPUs still reaches vCPUs 2 and 3, which hold the mm (Linux flushes mm_cpumask):
  // 2 + 1 + 1 + 1
  assert.equal(net('VMCALL'), 5);
  // HLT: each AP halts again after each of its 5 requests: 3 × 5
  assert.equal(net('HLT'), 15);
  // each AP INVLPGs the one page of each of the 4 unmaps
  assert.equal(c.events.ipis, 15);
  assert.equal(c.tlb.flushes.byCause.shootdown, 12);
  // no MSR writes but the EOIs KVM left without a PV EOI flag
  assert.equal(net('MSR_WRITE'), eoiWrites(c));
  const m = c.measured as { skipped: { total: number }; kvmStats: { vcpus: Array<Record<string, number>> } };
  assert.equal(m.skipped.total, 0);
  // per vCPU: the BSP never halts; each AP halts once idle at boot and 5 times after its requests
  assert.deepEqual(m.kvmStats.vcpus.map((v) => v.halt_exits), [0, 6, 6, 6]);
});

// xAPIC mode (a guest booted with nox2apic): every register access is a store to 0xfee00000 + offset. Under
// TCG's nested SVM there is no AVIC, so L1's kvm_amd has no APIC-access page and each access is a nested page
// fault on an address without a memory slot, reserved-bit once KVM installed its MMIO entry at the boot's first
// access (the xAPIC baseline's), which it emulates against its local APIC: EPT_MISCONFIG in VMX terms
test('xAPIC mode: self-IPIs and one-shot timer writes are MMIO stores KVM emulates, no MSR writes', { skip, timeout: 900_000 }, async () => {
  const { c, net } = await run([{ op: 'ipi', target: 'self', count: 30, masked: true }, { op: 'timer', periodUs: 5000, ticks: 10 }], 'oneshot', 'xapic');
  // 30 ICR writes with the self shorthand (xAPIC has no SELF_IPI register), LVTT to one-shot once, 10 TMICT
  // writes = 41, plus each EOI written to the APIC because KVM had not set the PV EOI flag
  assert.equal(guest(c).apicMmio, 41 + guest(c).eoiWrites);
  assert.equal(net('EPT_MISCONFIG'), guest(c).apicMmio);
  // none of them is a WRMSR any more (the boot's PV EOI MSR is in the baseline)
  assert.equal(net('MSR_WRITE'), 0);
  // one HLT per tick; the masked self-IPIs come through one interrupt window each
  assert.equal(net('HLT'), 10);
  assert.ok(net('INTERRUPT_WINDOW') >= 30, `INTERRUPT_WINDOW ${net('INTERRUPT_WINDOW')}: at least the 30 masked self-IPIs`);
  assert.equal(c.events.timerInterrupts, 10);
});

// io/interrupt-heavy's shape, which hung about once in four 600-op runs before the guest's interrupt handler
// returned past a HLT it interrupted (guest/apic.c skip_hlt): a completion wait, then a timer tick that is the
// only wake-up coming. Completing at all is the point; the counts say every notify, interrupt and tick happened
test('receive bursts and a timer tick after each: every wait ends, with its notify, completion and tick', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [];
  for (let i = 0; i < 60; i++) ops.push({ op: 'io', device: 'net', dir: 'read', bytes: 64, requests: 40 }, { op: 'timer', periodUs: 1000, ticks: 1 });
  const { c, net } = await run(ops, 'deadline');
  // 40 requests are two batches (32 + 8, abi.h ABI_VQ_BATCH): 120 notifies, the first an EPT_VIOLATION that
  // installs KVM's MMIO entry for the notify page, the other 119 reserved-bit NPFs
  assert.equal(net('EPT_MISCONFIG'), 119);
  assert.equal(net('EPT_VIOLATION'), 1);
  const devices = (c.measured as { devices: { virtioRequests: number; virtioIrqs: number } }).devices;
  assert.deepEqual([devices.virtioRequests, devices.virtioIrqs], [2400, 120]);
  // MSR_WRITE: the LVTT to TSC-deadline mode once and 60 deadlines, plus the EOIs written without PV EOI
  assert.equal(net('MSR_WRITE'), 61 + guest(c).eoiWrites);
  assert.equal(c.events.timerInterrupts, 60);
});
