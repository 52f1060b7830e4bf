import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from '../guest/run-engine.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { KvmPlatform, type KvmOptions } from '../../../engines/hardware-assisted/kvm-platform.ts';
import { builtinEngines, resolveEngine } from '../../../engines/registry.ts';

const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number): GuestOp => ({ op: 'touch', region, pattern: 'seq', accesses, write: true });

test('N cpuid: N CPUID exits on kvm, none natively; the exit replaces the native instruction', () => {
  const kvm = delta('kvm', [], [{ op: 'cpuid', count: 5 }]);
  const native = delta('native', [], [{ op: 'cpuid', count: 5 }]);
  assert.deepEqual(kvm.exits, { CPUID: 5 });
  assert.deepEqual(native.exits, {});
  // intel-modern: exitRoundTrip 1,500 + CPUID handler 100; the guest's CPUID never runs on hardware
  assert.deepEqual(kvm.attribution, { 'exit:CPUID': 5 * 1600 });
});

test('an exiting port, MMIO or VMCALL access costs the exit round trip and handler only, no native instruction', () => {
  // micro/pio-kernel's port 0x4d0 (ELCR, emulated in KVM): exitRoundTrip 1,500 + IO_INSTRUCTION handler 400
  const kernel = delta('kvm', [], [{ op: 'pio', port: 0x4d0, write: false, count: 4 }]);
  assert.deepEqual(kernel.attribution, { 'exit:IO_INSTRUCTION': 4 * 1900 });
  assert.equal(kernel.cycles, 4 * 1900);
  // to QEMU: + userExitExtra 1,200 + deviceModelAccess 3,000 as host work; no native UART access (3,353)
  const user = delta('kvm', [], [{ op: 'pio', port: 0x1234, write: true, count: 2 }]);
  assert.deepEqual(user.attribution, { 'exit:IO_INSTRUCTION': 2 * 1900, 'device-model': 2 * 4200 });
  // MMIO: EPT_MISCONFIG (handler 500) to QEMU; VMCALL: 1,500 + 150
  assert.deepEqual(delta('kvm', [], [{ op: 'mmio', write: true, count: 1 }]).attribution, { 'exit:EPT_MISCONFIG': 2000, 'device-model': 4200 });
  assert.deepEqual(delta('kvm', [], [{ op: 'hypercall', count: 3 }]).attribution, { 'exit:VMCALL': 3 * 1650 });
  // a passed-through MSR runs natively (msrWrite 150)
  assert.deepEqual(delta('kvm', [], [{ op: 'msr', index: 0xc0000100, write: true, count: 2 }]).attribution, { msr: 300 });
});

test('IPIs: the sender exit replaces its ICR write; the target handler runs as natively', () => {
  // native.ipi 2,095 = ICR write (msrWrite 150) + EOI (50) + the target's delivery and handler (1,895)
  // self-IPI with APICv: the SELF_IPI write and the EOI are virtualized (native costs), no KVM injection
  assert.deepEqual(delta('kvm', [], [{ op: 'ipi', target: 'self', count: 2 }]).attribution, { msr: 300, ipi: 2 * 1895, eoi: 100 });
  // to one other vCPU: Linux sends it through apic->send_IPI, PV send-IPI or not — the x2APIC ICR write exits
  // (1,500 + MSR_WRITE handler 300), KVM injects it (irqInject 500), the halted target, still halt-polling,
  // re-enters at once and halts again after its handler (HLT: 1,500 + 200)
  const one: GuestOp = { op: 'ipi', target: 'other', count: 1 };
  assert.deepEqual(delta('kvm', [], [one]).attribution,
    { 'exit:MSR_WRITE': 1800, ipi: 1895, 'interrupt-injection': 500, eoi: 50, 'exit:HLT': 1700 });
  assert.deepEqual(delta('kvm:pvipi=off', [], [one]).attribution, delta('kvm', [], [one]).attribution);
});

test('an IPI to a halted other vCPU: the sender exit, the target woken, the target HLT exit', () => {
  const ipi: GuestOp = { op: 'ipi', target: 'other', count: 3 };
  const d = delta('kvm', [], [ipi]);
  // per IPI: the sender's ICR write (one destination: no KVM_HC_SEND_IPI), the target's next HLT; no EOI exit
  // with APICv
  assert.deepEqual(d.exits, { MSR_WRITE: 3, HLT: 3 });
  assert.deepEqual(delta('kvm:pvipi=off', [], [ipi]).exits, { MSR_WRITE: 3, HLT: 3 });
  assert.equal(d.events.vcpuWakeups, 3);
  assert.equal(d.attribution['vcpu-wakeup'], undefined);
  // without halt-polling the target was scheduled out: a host context switch out and one back in (1,500 each)
  const off = delta('kvm:haltpoll=off', [], [ipi]);
  assert.deepEqual(off.exits, { MSR_WRITE: 3, HLT: 3 });
  assert.equal(off.attribution['vcpu-wakeup'], 3 * 2 * 1500);
  // a self-IPI wakes nobody
  assert.equal(delta('kvm', [], [{ op: 'ipi', target: 'self', count: 3 }]).events.vcpuWakeups, undefined);
});

test('syscalls need no exit and no flush under EPT', () => {
  const d = delta('kvm', [], [{ op: 'syscall', count: 7 }]);
  assert.deepEqual(d.exits, {});
  assert.deepEqual(d.flushScope, {});
});

test('first touch of unbacked guest memory exits with EPT_VIOLATION: once per 2 MiB THP block, the first time only', () => {
  // guest frames are handed out densely from 0; boot backed block 0 (frames 0–511) for pid 1's root. 600
  // pages: PDPT, PD, PT = frames 1–3, data 4–515, a second PT 516, data 517–604: only block 1 is new
  const first = delta('kvm', [map('a', 600)], [touch('a', 600)]);
  assert.deepEqual(first.exits, { EPT_VIOLATION: 1 });
  // intel-modern: exitRoundTrip 1,500 + thpFaultHandler 4,000 + 511 × 500 (zeroing the other 511 frames)
  assert.equal(first.attribution['ept-violation'], 259_500);
  assert.equal(first.attribution['exit:EPT_VIOLATION'], 1500);
  // thp=off: 4 KiB host pages, every one of the 604 new frames exits once, 4,000 each
  const small = delta('kvm:thp=off', [map('a', 600)], [touch('a', 600)]);
  assert.deepEqual(small.exits, { EPT_VIOLATION: 604 });
  assert.equal(small.attribution['ept-violation'], 604 * 4000);
  // a 2 MiB guest page (block 1) is one THP exit; without THP its 512 frames and the new PDPT and PD exit
  const huge: GuestOp = { op: 'map', region: 'h', bytes: 2 << 20, pageSize: '2m' };
  assert.deepEqual(delta('kvm', [huge], [touch('h', 2)]).exits, { EPT_VIOLATION: 1 });
  assert.deepEqual(delta('kvm:thp=off', [huge], [touch('h', 2)]).exits, { EPT_VIOLATION: 514 });
  // prealloc: the host page is already there; the exit only builds the EPT entry (handler 1,000)
  assert.equal(delta('kvm:prealloc=on', [map('a', 600)], [touch('a', 600)]).attribution['ept-violation'], 1000);
  // unmapped and mapped again: the guest reuses frames that are already backed
  const again = delta('kvm:thp=off', [map('a', 10), touch('a', 10), { op: 'unmap', region: 'a' }, map('b', 10)], [touch('b', 10)]);
  assert.equal(again.events.pageFaults, 10);
  assert.deepEqual(again.exits, {});
});

test('shadow paging: demand faults exit twice (the injected guest fault, then the shadow fault); CR3 writes and INVLPG exit', () => {
  // 10 pages in one PT, first touches: each write misses the shadow tables, KVM's walk finds no guest PTE and
  // injects the #PF (10 exits); the guest's handler installs the PTE and the retry is a shadow fault (10 more).
  // Write-protect exits: the first fault links a new PDPT into the root, whose shadow page (built at boot) is
  // write-protected and, not being a leaf table, cannot go unsync: that store is emulated (1); the new PDPT, PD
  // and PT have no shadow pages yet, so their stores are native. The PT gets its shadow page at the first
  // shadow fault; page 1's PTE store exits and unsyncs it (1), pages 2–9 are native: 22 EXCEPTION_NMI exits
  const d = delta('kvm:mmu=shadow', [map('a', 10)], [touch('a', 10)]);
  assert.equal(d.events.shadowInjectedFaults, 10);
  assert.equal(d.events.shadowFaults, 10);
  assert.equal(d.events.shadowWriteProtectExits, 2);
  assert.equal(d.events.shadowUnsyncs, 1);
  assert.equal(d.exits.EXCEPTION_NMI, 22);
  const ctx = delta('kvm:mmu=shadow', [map('a', 2), touch('a', 2), { op: 'fork' }], [{ op: 'switch', to: 2 }, { op: 'invlpg', region: 'a', count: 3 }]);
  assert.deepEqual(ctx.exits, { CR_ACCESS: 1, INVLPG: 3 });
});

test('vpid=off flushes the whole TLB at every VM entry', () => {
  const d = delta('kvm:vpid=off', [], [{ op: 'cpuid', count: 4 }]);
  assert.deepEqual(d.flushScope, { full: 4 });
  assert.deepEqual(d.flushCause, { vmentry: 4 });
  assert.deepEqual(delta('kvm', [], [{ op: 'cpuid', count: 4 }]).flushScope, {});
});

test('the same I/O: virtio kicks once per 32-request batch in the kernel, emulated exits per register to user space', () => {
  const io: GuestOp = { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 40 };
  const virtio = delta('kvm', [], [io]);
  assert.deepEqual(virtio.exits, { EPT_MISCONFIG: 2, HLT: 2 });
  const emulated = delta('kvm:io=emulated', [], [io]);
  // libata-sff's BMDMA path per request: 18 port accesses to issue (device select 4, task file 7, BMDMA setup
  // and command 5, start 2) and 8 in the interrupt handler = 26, each to QEMU; one completion interrupt (and
  // HLT) per request. PIIX IDE raises a PCI INTx line: a level-triggered IOAPIC vector, so with APICv each
  // completion's EOI is followed by an EOI_INDUCED exit (KVM's IOAPIC EOI broadcast)
  assert.deepEqual(emulated.exits, { HLT: 40, IO_INSTRUCTION: 40 * 26, EOI_INDUCED: 40 });
  assert.equal(emulated.events.exitsToUser, 40 * 26);
  // e1000: TDT write, ICR read, IMC write + flush read, IMS write + flush read = 6 MMIO exits per packet
  const net = delta('kvm:io=emulated', [], [{ op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 8 }]);
  assert.equal(net.exits.EPT_MISCONFIG, 8 * 6);
});

test('virtio-blk on amd-modern as the kvm-host guest runs it: per 32-request batch one notify, one HLT, one MSI, no EOI exit', () => {
  // 70 requests in one record: batches of 32, 32 and 6 (Linux's plug flush, include/abi.h ABI_VQ_BATCH). Each
  // batch goes to an idle device (the previous one completed), so avail_event never suppresses the kick: 3
  // notifies, each an MMIO write KVM's ioeventfd takes in the kernel (a reserved-bit NPF, named EPT_MISCONFIG).
  // The device publishes each batch once, so one completion interrupt per batch, taken from HLT (3 HLT exits,
  // no EXTERNAL_INTERRUPT: the vCPU was halted). No APICv on Zen 1: the MSI is edge-triggered, so its EOI is
  // KVM's PV EOI, no MSR_WRITE
  const d = delta('kvm', [], [{ op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 70 }], 'amd-modern');
  assert.deepEqual(d.exits, { EPT_MISCONFIG: 3, HLT: 3 });
  assert.equal(d.events.virtioNotify, 3);
  assert.equal(d.events.interrupts, 3);
  assert.equal(d.events.pvEoi, 3);
  assert.equal(d.events.diskRequests, 70);
});

test('MSR bitmap: TSC deadline and ICR writes exit, FS base does not; EOI exits only without APICv', () => {
  assert.deepEqual(delta('kvm', [], [{ op: 'msr', index: 0x6e0, write: true, count: 3 }]).exits, { MSR_WRITE: 3 });
  assert.deepEqual(delta('kvm', [], [{ op: 'msr', index: 0xc0000100, write: true, count: 3 }]).exits, {});
  assert.deepEqual(delta('kvm', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]).exits, { HLT: 2, MSR_WRITE: 2 });
  // without APICv the EOI would be a WRMSR to 0x80b; the guest's PV EOI (default) turns it into a flag in memory
  assert.deepEqual(delta('kvm:apicv=off', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]).exits, { HLT: 2, MSR_WRITE: 2 });
  assert.deepEqual(delta('kvm:apicv=off,pveoi=off', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]).exits, { HLT: 2, MSR_WRITE: 4 });
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x4d0, write: false, count: 2 }]).events.exitsInKernel, 2);
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x1234, write: false, count: 2 }]).events.exitsToUser, 2);
});

test('timer expiry: halted = host hrtimer (no exit), running = PREEMPTION_TIMER on Intel, EXTERNAL_INTERRUPT on AMD', () => {
  // the timer op halts before every tick: HLT exit, the hrtimer's host interrupt (native.interrupt 500, no exit),
  // injection (irqInject 500), the TSC-deadline re-arm (MSR_WRITE exit); APICv: the EOI is virtualized
  const t = delta('kvm', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]);
  assert.deepEqual(t.exits, { HLT: 2, MSR_WRITE: 2 });
  assert.equal(t.attribution['host-hrtimer'], 2 * 500);
  assert.equal(t.attribution['interrupt-injection'], 2 * 500);
  const opts: KvmOptions = { mmu: 'ept', shadowCache: true, vpid: true, io: 'virtio', apicv: true, thp: true, prealloc: false, pveoi: true, haltPoll: true, guestHaltPoll: false, pvIpi: true, pvTlbFlush: true, hostCpus: 0, apic: 'x2apic', lapicTimer: 'deadline' };
  const intel = new KvmPlatform(getProfile('intel-modern'), opts);
  intel.interrupt('timer', false);
  assert.deepEqual(intel.counters.exits, { PREEMPTION_TIMER: 1 });
  // SVM has no preemption timer: the host hrtimer's interrupt exits (intel-modern costs: 1,360 + 300 + 500)
  const amd = new KvmPlatform(getProfile('amd-modern'), opts);
  amd.interrupt('timer', false);
  assert.deepEqual(amd.counters.exits, { EXTERNAL_INTERRUPT: 1 });
  assert.equal(amd.counters.attribution['host-hrtimer'], 300 + 500);
  // a device interrupt to a running vCPU: posted with APICv; without it a kick (EXTERNAL_INTERRUPT) and, with
  // pveoi=off, the EOI write
  const noApicv = new KvmPlatform(getProfile('intel-modern'), { ...opts, apicv: false, pveoi: false });
  noApicv.interrupt('device', false);
  assert.deepEqual(noApicv.counters.exits, { EXTERNAL_INTERRUPT: 1, MSR_WRITE: 1 });
});

test('PV EOI: no EOI exits without APICv; the deferred EOI costs the EOI_INDUCED handler', () => {
  const ipi: GuestOp = { op: 'ipi', target: 'other', count: 3 };
  // ICR writes (3), the halted target's HLT after each (3); EOIs: pveoi → none, off → 3 more MSR_WRITE
  assert.deepEqual(delta('kvm:apicv=off', [], [ipi]).exits, { MSR_WRITE: 3, HLT: 3 });
  assert.equal(delta('kvm:apicv=off', [], [ipi]).attribution['pv-eoi'], 3 * 200);
  assert.deepEqual(delta('kvm:apicv=off,pveoi=off', [], [ipi]).exits, { MSR_WRITE: 3 + 3, HLT: 3 });
  // with APICv the guest's EOI never exits, PV EOI or not
  assert.deepEqual(delta('kvm:pveoi=off', [], [ipi]).exits, { MSR_WRITE: 3, HLT: 3 });
});

test('host ticks: one EXTERNAL_INTERRUPT exit per 4 ms of guest execution (HZ=250), none natively', () => {
  // 30,000,000 guest cycles at 2.5 GHz = 12 ms (boot adds far less than 4 ms): 3 host ticks. The guest's own
  // HZ=250 tick fires 3 times too (guest-ticks test): 3 PREEMPTION_TIMER expiries and 3 TSC-deadline re-arms
  const work: GuestOp[] = [{ op: 'compute', cycles: 30_000_000 }];
  const d = delta('kvm', [], work);
  assert.deepEqual(d.exits, { EXTERNAL_INTERRUPT: 3, PREEMPTION_TIMER: 3, MSR_WRITE: 3 });
  // each: exitRoundTrip 1,500 + handler 300 + the host's tick as one native interrupt (500)
  assert.equal(d.attribution['exit:EXTERNAL_INTERRUPT'], 3 * 1500);
  assert.equal(d.attribution['host-tick'], 3 * (300 + 500));
  assert.deepEqual(delta('native', [], work).exits, {});
  // idle time is not guest execution: a 12 ms timer wait adds no tick
  assert.equal(delta('kvm', [], [{ op: 'timer', periodUs: 12_000, ticks: 1 }]).exits.EXTERNAL_INTERRUPT, undefined);
});

test('an exit count is a multiplier: 2^40 CPUIDs without VPID are that many exits, each entry a flush', () => {
  const n = 2 ** 40;
  const d = delta('kvm:vpid=off', [], [{ op: 'cpuid', count: n }]);
  // each CPUID exits (CPUID is unconditionally intercepted, SDM §26.1.2) and the exit replaces the instruction:
  // the time is the hypervisor's (2^40 × (1,500 + 100) = 1,759,218,604,441,600 cycles). The guest's tick runs
  // in wall time: floor(1,759,218,604,441,600 / 10,000,000) = 175,921,860 ticks (boot is far below the
  // 0.44 tick left over), each a PREEMPTION_TIMER exit and a TSC-deadline MSR_WRITE exit; the guest time is
  // each tick's interrupt and virtualized EOI, 175,921,860 × (500 + 50) = 96,757,023,000 cycles, so
  // floor(96,757,023,000 / 10,000,000) = 9,675 host ticks land in guest mode. Every exit re-enters, and
  // without VPID each entry flushes
  assert.equal(d.exits.CPUID, n);
  assert.equal(d.exits.PREEMPTION_TIMER, 175_921_860);
  assert.equal(d.exits.MSR_WRITE, 175_921_860);
  assert.equal(d.exits.EXTERNAL_INTERRUPT, 9675);
  assert.equal(d.flushCause.vmentry, n + 2 * 175_921_860 + 9675);
  assert.equal(d.flushScope.full, d.flushCause.vmentry);
});

test('amd-modern (Zen 1): AVIC is inhibited for x2APIC guests, so apicv defaults off and apicv=on is refused; vpid=off is refused on SVM', () => {
  const amd = getProfile('amd-modern');
  const { engine, options } = resolveEngine('kvm', builtinEngines(), amd);
  assert.equal(options.apicv, 'off');
  assert.throws(() => resolveEngine('kvm:apicv=on', builtinEngines(), amd), /AVIC is inhibited for x2APIC guests before Zen 4/);
  assert.throws(() => resolveEngine('kvm:vpid=off', builtinEngines(), amd), (e: Error) => /ASIDs are mandatory/.test(e.message) && !e.message.includes('\n'));
  // without APIC virtualization the IPI's ICR write exits and the guest's PV EOI replaces the EOI exit
  const r = engine.run({ ops: [{ op: 'ipi', target: 'self', count: 2 }], profile: amd, options, seed: 1 }) as { exits: { byReason: Record<string, number> } };
  assert.equal(r.exits.byReason.MSR_WRITE, 2);
  // Intel keeps vpid=off (the 2008 VT-x mode without VPID)
  assert.doesNotThrow(() => resolveEngine('kvm:vpid=off', builtinEngines(), getProfile('intel-modern')));
});

test('PV send-IPI: a TLB shootdown to 3 other vCPUs is one KVM_HC_SEND_IPI, to 1 an ICR write', () => {
  const prefix: GuestOp[] = [map('a', 16), touch('a', 16)];
  const shootdown: GuestOp = { op: 'shootdown', region: 'a', cpus: 4 };
  // flush_tlb_multi to the 3 others: smp_call_function_many_cond sends the mask, one multicast send
  assert.deepEqual(delta('kvm', prefix, [shootdown]).exits, { VMCALL: 1 });
  assert.equal(delta('kvm', prefix, [shootdown]).events.pvSendIpi, 1);
  assert.deepEqual(delta('kvm:pvipi=off', prefix, [shootdown]).exits, { MSR_WRITE: 3 });
  // on 2 vCPUs the mask holds one other CPU: send_call_function_single_ipi, one ICR write, no hypercall
  const two = delta('kvm', prefix, [{ op: 'shootdown', region: 'a', cpus: 2 }]);
  assert.deepEqual(two.exits, { MSR_WRITE: 1 });
  assert.equal(two.events.pvSendIpi, undefined);
  // a mask of 2 left after PV TLB flush skipped a preempted vCPU: 4 vCPUs on 3 host CPUs, vCPU 3 shares host
  // CPU 0 with vCPU 0 (i mod 3), which runs the unmap, so vCPU 3 is preempted and marked KVM_VCPU_FLUSH_TLB;
  // vCPUs 1 and 2 take one KVM_HC_SEND_IPI
  const skipped = delta('kvm:hostcpus=3', prefix, [shootdown]);
  assert.deepEqual(skipped.exits, { VMCALL: 1 });
  assert.equal(skipped.events.pvTlbFlushes, 1);
  // on 2 host CPUs: the shootdown first runs the process's threads on vCPUs 1, 2, 3 in turn, so vCPU 3 takes
  // host CPU 1 from vCPU 1, and vCPU 0 takes host CPU 0 back from vCPU 2. vCPUs 1 and 2 are preempted (marked),
  // vCPU 3 alone is left: one ICR write
  const twoHosts = delta('kvm:hostcpus=2', prefix, [shootdown]);
  assert.deepEqual(twoHosts.exits, { MSR_WRITE: 1 });
  assert.equal(twoHosts.events.pvTlbFlushes, 2);
});

test('a masked self-IPI (CLI, IPI, STI): without APICv an INTERRUPT_WINDOW exit delivers each; with APICv none', () => {
  const masked: GuestOp = { op: 'ipi', target: 'self', count: 4, masked: true };
  // apicv=off: the SELF_IPI write exits (MSR_WRITE, 1,500 + 300); KVM cannot inject while IF = 0, sets
  // interrupt-window exiting, and the STI opens it: one INTERRUPT_WINDOW exit per IPI (1,500 + 150). The EOI
  // is a PV EOI (edge-triggered): no exit
  const off = delta('kvm:apicv=off', [], [masked]);
  assert.deepEqual(off.exits, { MSR_WRITE: 4, INTERRUPT_WINDOW: 4 });
  assert.equal(off.attribution['exit:INTERRUPT_WINDOW'], 4 * 1650);
  // unmasked, KVM injects on the SELF_IPI exit's re-entry: no window
  assert.deepEqual(delta('kvm:apicv=off', [], [{ op: 'ipi', target: 'self', count: 4 }]).exits, { MSR_WRITE: 4 });
  // APICv: the SELF_IPI write sets the virtual IRR and the CPU delivers it at the STI: no exit at all
  assert.deepEqual(delta('kvm', [], [masked]).exits, {});
  // natively the IPI waits for the STI at no extra cost
  assert.equal(delta('native', [], [masked]).cycles, delta('native', [], [{ op: 'ipi', target: 'self', count: 4 }]).cycles);
});

test('level-triggered INTx of the emulated devices: EOI_INDUCED with APICv, an EOI exit without (no PV EOI for IOAPIC vectors)', () => {
  const io: GuestOp = { op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 8 };
  // e1000: 6 MMIO exits per packet, one completion interrupt per packet, each waited for with a HLT
  assert.deepEqual(delta('kvm:io=emulated', [], [io]).exits, { EPT_MISCONFIG: 48, HLT: 8, EOI_INDUCED: 8 });
  // apicv=off: the x2APIC EOI write exits even though the guest has PV EOI: KVM does not set the PV EOI flag
  // for a vector the IOAPIC must see
  assert.deepEqual(delta('kvm:io=emulated,apicv=off', [], [io]).exits, { EPT_MISCONFIG: 48, HLT: 8, MSR_WRITE: 8 });
  // virtio's completion is an edge-triggered MSI-X: no EOI exit either way (one kick, one interrupt per batch)
  assert.deepEqual(delta('kvm:apicv=off', [], [io]).exits, { EPT_MISCONFIG: 1, HLT: 1 });
});

test("the guest's own HZ=250 tick while it computes: an expiry exit and a TSC-deadline re-arm per 4 ms of busy time", () => {
  // 4 × 25,000,000 cycles = 100,000,000 cycles = 40 ms at 2.5 GHz: 10 guest ticks (boot and the ticks' own
  // exits add well under one more 4 ms). Each: the preemption timer expires in guest mode (PREEMPTION_TIMER),
  // the interrupt is injected (posted, APICv) and EOIed without an exit, the handler re-arms TSC_DEADLINE
  // (MSR_WRITE). The guest time, 100,000,000 + 10 × (500 + 50), also gives 10 host ticks (EXTERNAL_INTERRUPT)
  const work: GuestOp[] = Array.from({ length: 4 }, () => ({ op: 'compute', cycles: 25_000_000 }) as GuestOp);
  const d = delta('kvm', [], work);
  assert.equal(d.events.guestTicks, 10);
  assert.deepEqual(d.exits, { PREEMPTION_TIMER: 10, MSR_WRITE: 10, EXTERNAL_INTERRUPT: 10 });
  // AMD has no preemption timer: the host hrtimer's interrupt is the expiry exit. 2.2 GHz: 100,000,000 /
  // 8,800,000 = 11.4 → 11 guest ticks, and as many host ticks; the EOI is a PV EOI (no AVIC on this profile)
  const amd = delta('kvm', [], work, 'amd-modern');
  assert.equal(amd.events.guestTicks, 11);
  assert.deepEqual(amd.exits, { EXTERNAL_INTERRUPT: 22, MSR_WRITE: 11 });
  // an idle wait does not tick (NO_HZ_IDLE): 40 ms of timer wait adds none
  assert.equal(delta('kvm', [], [{ op: 'timer', periodUs: 40_000, ticks: 1 }]).events.guestTicks, undefined);
});

test('halt: the host blocks the vCPU unless halt-polling sees the wake-up; the guest may poll before HLT', () => {
  // six 100 µs timer waits (250,000 cycles each). KVM's poll limit before each HLT: 0, 10, 20, 40, 80, 160 µs
  // (halt-poll.test.ts): five blocks (a host context switch out and one in, 1,500 each), the sixth wake-up
  // lands while KVM polls
  const timer: GuestOp = { op: 'timer', periodUs: 100, ticks: 6 };
  const host = delta('kvm', [], [timer]);
  assert.deepEqual(host.exits, { HLT: 6, MSR_WRITE: 6 });
  assert.equal(host.events.vcpuBlocks, 5);
  assert.equal(host.attribution['vcpu-wakeup'], 5 * 3000);
  assert.equal(delta('kvm:haltpoll=off', [], [timer]).events.vcpuBlocks, 6);
  // cpuidle-haltpoll: the guest's limit before each idle is 0, 50, 100, 100, 100, 100 µs. Idle 1 halts at
  // once; idle 2 polls 50 µs (125,000 cycles) and halts for the other 50; idles 3–6 see the tick while polling
  // (4 × 250,000 cycles): no HLT, and the tick reaches a running vCPU — a PREEMPTION_TIMER exit. KVM sees two
  // HLTs of 100 and 50 µs with its limit at 0 and 10 µs: both block
  const guest = delta('kvm:guesthaltpoll=on', [], [timer]);
  assert.deepEqual(guest.exits, { HLT: 2, PREEMPTION_TIMER: 4, MSR_WRITE: 6 });
  assert.equal(guest.attribution['guest-halt-poll'], 125_000 + 4 * 250_000);
  assert.equal(guest.events.guestHaltPollWakeups, 4);
  assert.equal(guest.events.vcpuBlocks, 2);
  // the polled time was idle time without it: 6 × 250,000 idle cycles become 250,000 + 125,000
  assert.equal(host.attribution.idle - guest.attribution.idle, 1_125_000);
  // an IPI to another vCPU that polls in the guest: no HLT exit, no wake-up; the posted interrupt needs no
  // kick with APICv, a kick (EXTERNAL_INTERRUPT) without
  const ipi: GuestOp = { op: 'ipi', target: 'other', count: 3 };
  assert.deepEqual(delta('kvm:guesthaltpoll=on', [], [ipi]).exits, { MSR_WRITE: 3 });
  assert.deepEqual(delta('kvm:guesthaltpoll=on,apicv=off', [], [ipi]).exits, { MSR_WRITE: 3, EXTERNAL_INTERRUPT: 3 });
});

test('a string PIO: rep ins exits once per 1,024 bytes read ahead, rep outs to QEMU once per element, each once more at RCX 0', () => {
  // 3 × rep insb of 4,096 bytes from QEMU's fw_cfg port: 4,096 / 1,024 = 4 exits to user space each, and the
  // re-execution at RCX 0 handled in the kernel: 5 exits each (the guest's tick fires meanwhile: its expiry and
  // re-arm exits are left out here)
  const ins = delta('kvm', [], [{ op: 'pio', port: 0x511, write: false, count: 3, rep: 4096, width: 1 }]);
  assert.equal(ins.exits.IO_INSTRUCTION, 15);
  assert.equal(ins.events.exitsToUser, 12);
  // QEMU serves each exit's 1,024 bytes one byte at a time: userExitExtra 1,200 per exit to user space,
  // deviceModelAccess 3,000 per byte
  assert.equal(ins.attribution['device-model'], 12 * 1200 + 3 * 4096 * 3000);
  // rep insw of one 512-byte ATA sector (256 words): 512 bytes fit one read-ahead: 1 exit, + 1 at RCX 0
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x1f0, write: false, count: 1, rep: 256, width: 2 }]).exits, { IO_INSTRUCTION: 2 });
  // rep outsw of that sector to QEMU: one KVM_EXIT_IO per word, 256, + 1 at RCX 0
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x1f0, write: true, count: 1, rep: 256, width: 2 }]).exits, { IO_INSTRUCTION: 257 });
  // rep outsb of 3,000 bytes to an in-kernel port (the PIT's 0x40): the first exit, then the emulator
  // re-enters the guest whenever RCX reaches a multiple of 1,024 (2,048, 1,024 and 0): 4 exits
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x40, write: true, count: 1, rep: 3000, width: 1 }]).exits, { IO_INSTRUCTION: 4 });
  // natively each element is one access to the device register (native.pio 3,353)
  assert.deepEqual(delta('native', [], [{ op: 'pio', port: 0x511, write: false, count: 2, rep: 10, width: 1 }]).attribution, { pio: 2 * 10 * 3353 });
});

test('kvm hostcpus: a whole number of host CPUs from 0 to the vCPU limit, refused in one line otherwise', () => {
  const intel = getProfile('intel-modern');
  assert.doesNotThrow(() => resolveEngine('kvm:hostcpus=2', builtinEngines(), intel));
  for (const bad of ['-1', '1.5', '65']) {
    assert.throws(() => resolveEngine(`kvm:hostcpus=${bad}`, builtinEngines(), intel), (e: Error) => /hostcpus must be an integer from 0 to 64/.test(e.message) && !e.message.includes('\n'));
  }
});

test('xAPIC mode and the one-shot LAPIC timer: which APIC writes exit, as APIC_WRITE with APICv and APIC_ACCESS without', () => {
  const self: GuestOp = { op: 'ipi', target: 'self', count: 4 };
  // xAPIC has no SELF_IPI register: the ICR write with the self shorthand completes into the virtual-APIC page
  // and exits trap-like (APIC_WRITE: 1,500 + handler 400); KVM injects it (irqInject 500), the target's
  // delivery and handler run as natively (1,895), the EOI is virtualized (native.eoi 50)
  assert.deepEqual(delta('kvm:apic=xapic', [], [self]).attribution, { 'exit:APIC_WRITE': 4 * 1900, 'interrupt-injection': 4 * 500, ipi: 4 * 1895, eoi: 4 * 50 });
  // without APICv the write is an emulated APIC_ACCESS (1,500 + 500); the edge-triggered EOI is a PV EOI: no exit
  const noApicv = delta('kvm:apic=xapic,apicv=off', [], [self]);
  assert.deepEqual(noApicv.exits, { APIC_ACCESS: 4 });
  assert.equal(noApicv.attribution['exit:APIC_ACCESS'], 4 * 2000);

  // six 100 µs idle waits, each ended by the timer and followed by the re-arm (the halt test above: HLT and a
  // TSC-deadline MSR_WRITE each). One-shot TMICT in x2APIC mode is MSR 0x838, which APICv does not virtualize:
  // the same MSR_WRITE exits. In xAPIC mode it is an APIC_WRITE with APICv, an APIC_ACCESS without; the
  // TSC-deadline timer is an MSR in either mode
  const timer: GuestOp = { op: 'timer', periodUs: 100, ticks: 6 };
  assert.deepEqual(delta('kvm:lapictimer=oneshot', [], [timer]).exits, { HLT: 6, MSR_WRITE: 6 });
  assert.deepEqual(delta('kvm:apic=xapic,lapictimer=oneshot', [], [timer]).exits, { HLT: 6, APIC_WRITE: 6 });
  assert.deepEqual(delta('kvm:apic=xapic', [], [timer]).exits, { HLT: 6, MSR_WRITE: 6 });
  // without APICv or PV EOI each timer interrupt's EOI exits too: KVM short-circuits an xAPIC EOI without
  // decoding it (handler as EOI_INDUCED's, 200) while the TMICT write is emulated (500):
  // 6 × (1,500 + 500) + 6 × (1,500 + 200) = 22,200
  const bare = delta('kvm:apic=xapic,lapictimer=oneshot,apicv=off,pveoi=off', [], [timer]);
  assert.deepEqual(bare.exits, { HLT: 6, APIC_ACCESS: 12 });
  assert.equal(bare.attribution['exit:APIC_ACCESS'], 22_200);
  // the same guest in x2APIC mode: MSR_WRITE exits for both (handler 300): no emulation, no short-cut
  assert.deepEqual(delta('kvm:lapictimer=oneshot,apicv=off,pveoi=off', [], [timer]).exits, { HLT: 6, MSR_WRITE: 12 });
  // a periodic timer is never re-armed (KVM's hrtimer restarts itself): each of the 6 ticks is its HLT alone,
  // and without APICv the EOIs still exit unless PV EOI takes them
  assert.deepEqual(delta('kvm:lapictimer=periodic', [], [timer]).exits, { HLT: 6 });
  assert.deepEqual(delta('kvm:lapictimer=periodic,apicv=off,pveoi=off', [], [timer]).exits, { HLT: 6, MSR_WRITE: 6 });

  // IPIs to another vCPU without PV send-IPI: one ICR write per target, APIC_WRITE in xAPIC mode with APICv
  const other: GuestOp = { op: 'ipi', target: 'other', count: 3 };
  assert.deepEqual(delta('kvm:pvipi=off,apic=xapic', [], [other]).exits, { APIC_WRITE: 3, HLT: 3 });
  assert.deepEqual(delta('kvm:pvipi=off', [], [other]).exits, { MSR_WRITE: 3, HLT: 3 });
});
