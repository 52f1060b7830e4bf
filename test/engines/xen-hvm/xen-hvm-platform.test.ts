import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta, run } from '../guest/run-engine.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { XenHvmPlatform, type XenHvmOptions } from '../../../engines/xen-hvm/xen-hvm-platform.ts';
import { builtinEngines, resolveEngine } from '../../../engines/registry.ts';

const options = (pod: boolean): XenHvmOptions => ({ mode: 'hvm', io: 'pv', pod, ipi: 'evtchn', blk: 'persistent', net: 'copy' });

test('populate-on-demand: the first write into a 2 MiB block is one EPT_VIOLATION, the rest of the block none', () => {
  const p = new XenHvmPlatform(getProfile('intel-modern'), options(true));
  const before = p.counters.snapshot();
  // frame 5,000 lies in the block of frames 4,608–5,119 (9 × 512 = 4,608): nothing there is populated yet
  p.zeroPage(5000, 1);
  const one = p.counters.snapshot();
  assert.deepEqual(one.exits.byReason, { ...before.exits.byReason, EPT_VIOLATION: (before.exits.byReason.EPT_VIOLATION ?? 0) + 1 });
  // intel-modern: exitRoundTrip 1,500; Xen's dispatch (default handler 400) + p2m_pod_demand_populate 3,000
  assert.equal(one.attribution['exit:EPT_VIOLATION'] - (before.attribution['exit:EPT_VIOLATION'] ?? 0), 1500);
  assert.equal(one.attribution['ept-violation'] - (before.attribution['ept-violation'] ?? 0), 3400);
  assert.equal(one.events.podPopulates - (before.events.podPopulates ?? 0), 1);
  // 4,608 and 5,119 are in the same block, now mapped by one 2 MiB leaf; 5,120 starts the next block
  p.zeroPage(4608, 1);
  p.zeroPage(5119, 1);
  assert.equal(p.counters.snapshot().exits.byReason.EPT_VIOLATION, one.exits.byReason.EPT_VIOLATION);
  p.zeroPage(5120, 1);
  assert.equal(p.counters.snapshot().exits.byReason.EPT_VIOLATION, one.exits.byReason.EPT_VIOLATION + 1);
});

test('without PoD the p2m was populated when the domain was built: first touches never exit', () => {
  const setup: GuestOp[] = [{ op: 'map', region: 'm', bytes: 8 << 20, pageSize: '4k' }, { op: 'touch', region: 'm', pattern: 'seq', accesses: 2048, write: true }];
  const r = run('xen:mode=hvm', setup);
  assert.equal(r.exits.byReason.EPT_VIOLATION, undefined);
  assert.equal(r.setup?.exits.byReason.EPT_VIOLATION, undefined);
  // with PoD: 8 MiB of data, 2,048 frames, plus its page tables, spread over the 2 MiB blocks after boot's
  assert.ok((run('xen:mode=hvm,pod=on', setup).exits.byReason.EPT_VIOLATION ?? 0) >= 4);
});

test('an IPI to a halted vCPU: an event channel sent by VMCALL, the target woken by Xen, its HLT exit', () => {
  const d = delta('xen:mode=hvm', [], [{ op: 'ipi', target: 'other', count: 1 }]);
  assert.deepEqual(d.exits, { VMCALL: 1, HLT: 1 });
  assert.deepEqual(d.hypercalls, { event_channel_op: 1 });
  // intel-modern: VMCALL 1,500 + Xen's VMCALL handler 400 + eventChannelNotify 1,500; the target's handler as
  // natively (ipi 2,095 − msrWrite 150 − eoi 50 = 1,895), injection 500, Xen's IPI to the target's physical CPU
  // (native.ipi 2,095), its schedule-in (contextSwitch 1,500), its HLT (1,500 + 300); no EOI (callback vector)
  assert.deepEqual(d.attribution, { 'exit:VMCALL': 1500, 'event-channel': 1900, ipi: 1895 + 2095, 'interrupt-injection': 500, 'vcpu-wakeup': 1500, 'exit:HLT': 1800 });
  // ipi=apic: the x2APIC ICR write exits instead (1,500 + MSR_WRITE 500), and the target EOIs (APICv: native 50)
  const apic = delta('xen:mode=hvm,ipi=apic', [], [{ op: 'ipi', target: 'other', count: 1 }]);
  assert.deepEqual(apic.exits, { MSR_WRITE: 1, HLT: 1 });
  assert.equal(apic.attribution['exit:MSR_WRITE'], 2000);
  assert.equal(apic.attribution.eoi, 50);
});

test('the timer is Xen\'s VCPUOP_set_singleshot_timer (a VMCALL), not a TSC-deadline MSR write', () => {
  const d = delta('xen:mode=hvm', [], [{ op: 'timer', periodUs: 1000, ticks: 3 }]);
  assert.equal(d.exits.MSR_WRITE, undefined);
  assert.equal(d.hypercalls.vcpu_op, 3);
  assert.equal(d.exits.VMCALL, 3);
  assert.equal(d.events.upcalls, 3);
});

test('PVHVM drivers are the default I/O path: the split driver, its notify a VMCALL, Dom0 switched in and out', () => {
  const io: GuestOp = { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 8 };
  const d = delta('xen:mode=hvm', [], [io]);
  assert.equal(d.hypercalls.event_channel_op, 1);
  assert.equal(d.events.domainSwitches, 2);
  assert.equal(d.events.ioreqs, undefined);
  // io=emulated: QEMU's IDE, 26 port accesses per request (emulated-device.ts), each an ioreq
  const e = delta('xen:mode=hvm,io=emulated', [], [io]);
  assert.equal(e.events.ioreqs, 26 * 8);
  assert.equal(e.exits.IO_INSTRUCTION, 26 * 8);
});

test('pvh: no device model — ports complete in Xen\'s null handler, io=emulated is refused in one line', () => {
  const d = delta('xen:mode=pvh', [], [{ op: 'pio', port: 0x1234, write: false, count: 2 }]);
  // exitRoundTrip 1,500 + IO_INSTRUCTION handler 800, no ioreq
  assert.deepEqual(d.attribution, { 'exit:IO_INSTRUCTION': 2 * 1500, 'null-io': 2 * 800 });
  assert.equal(d.events.ioreqs, undefined);
  // PV drivers work as under hvm
  assert.equal(delta('xen:mode=pvh', [], [{ op: 'io', device: 'net', dir: 'read', bytes: 1500, requests: 4 }]).events.domainSwitches, 2);
  const intel = getProfile('intel-modern');
  assert.throws(() => resolveEngine('xen:mode=pvh,io=emulated', builtinEngines(), intel),
    (e: Error) => /io=emulated needs a device model/.test(e.message) && !e.message.includes('\n'));
});

test('without EPT (core2-2007) mode=hvm runs on shadow paging: a shadow fault per first access; pod=on is refused', () => {
  const core2 = getProfile('core2-2007');
  assert.throws(() => resolveEngine('xen:mode=hvm,pod=on', builtinEngines(), core2),
    (e: Error) => /pod=on needs EPT/.test(e.message) && !e.message.includes('\n'));
  assert.equal(resolveEngine('xen:mode=hvm', builtinEngines(), core2).label, 'xen:mode=hvm');
  // a MOV CR3 exits under shadow paging (CR_ACCESS), never under EPT
  const sw: GuestOp[] = [{ op: 'fork' }, { op: 'switch', to: 2 }];
  assert.equal(delta('xen:mode=hvm', [], sw, 'core2-2007').exits.CR_ACCESS, 1);
  assert.equal(delta('xen:mode=hvm', [], sw).exits.CR_ACCESS, undefined);
});

test('a masked self-IPI waits for an interrupt window: an INTERRUPT_WINDOW exit, unless APICv delivers the vlapic vector', () => {
  const op: GuestOp = { op: 'ipi', target: 'self', count: 4, masked: true };
  assert.equal(delta('xen:mode=hvm', [], [op]).exits.INTERRUPT_WINDOW, 4);
  assert.equal(delta('xen:mode=hvm', [], [{ ...op, masked: false }]).exits.INTERRUPT_WINDOW, undefined);
  // ipi=apic on intel-modern: the SELF_IPI write is virtualized, delivered at the STI without an exit
  assert.equal(delta('xen:mode=hvm,ipi=apic', [], [op]).exits.INTERRUPT_WINDOW, undefined);
});

test('a string PIO to QEMU is one ioreq per instruction, QEMU\'s work per element; the guest tick counts every interrupt', () => {
  const one = delta('xen:mode=hvm', [], [{ op: 'pio', port: 0x511, write: false, count: 1 }]);
  const rep = delta('xen:mode=hvm', [], [{ op: 'pio', port: 0x511, write: false, count: 1, rep: 16 }]);
  assert.equal(rep.exits.IO_INSTRUCTION, 1);
  assert.equal(rep.events.ioreqs, 1);
  assert.equal(rep.attribution['device-model'], 16 * one.attribution['device-model']!);
  const t = delta('xen:mode=hvm', [], [{ op: 'timer', periodUs: 1000, ticks: 3 }, { op: 'compute', cycles: 25e6 }]);
  assert.ok((t.events.guestTicks ?? 0) >= 2);
  assert.equal(t.events.upcalls, 3 + t.events.guestTicks!);
  assert.equal(t.hypercalls.vcpu_op, 3 + t.events.guestTicks!);
});

test('a shootdown to 3 other vCPUs: an IPI per destination, each target taking it as any IPI before it flushes', () => {
  const prefix: GuestOp[] = [{ op: 'map', region: 'a', bytes: 16 * 4096, pageSize: '4k' }, { op: 'touch', region: 'a', pattern: 'seq', accesses: 16, write: true }];
  const shootdown: GuestOp = { op: 'shootdown', region: 'a', cpus: 4 };
  // ipi=evtchn: xen_send_IPI_mask sends one EVTCHNOP_send per destination (3 VMCALLs); each running target is
  // kicked (EXTERNAL_INTERRUPT), Xen injects the callback vector (3 injections of 500) and it takes an upcall,
  // no EOI
  const evtchn = delta('xen:mode=hvm', prefix, [shootdown]);
  assert.equal(evtchn.exits.VMCALL, 3);
  assert.equal(evtchn.exits.EXTERNAL_INTERRUPT, 3);
  assert.equal(evtchn.events.eventChannel, 3);
  assert.equal(evtchn.events.upcalls, 3);
  assert.equal(evtchn.attribution['interrupt-injection'], 3 * 500);
  // ipi=apic on amd-modern (no APICv): 3 ICR writes by the sender and each target's EOI to its x2APIC, both
  // MSR_WRITE exits: 3 + 3
  const apic = delta('xen:mode=hvm,ipi=apic', prefix, [shootdown], 'amd-modern');
  assert.equal(apic.exits.MSR_WRITE, 3 + 3);
  assert.equal(apic.events.upcalls, undefined);
});
