import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from '../guest/run-engine.ts';

const pio = (count: number): GuestOp => ({ op: 'pio', port: 0x1234, write: false, count });

test('one IN from a port QEMU owns on xen:mode=hvm: the exit, Xen\'s decode, one ioreq round trip through Dom0', () => {
  const d = delta('xen:mode=hvm', [], [pio(1)]);
  assert.deepEqual(d.exits, { IO_INSTRUCTION: 1 });
  // intel-modern, by hand:
  // the exit: exitRoundTrip 1,500 + Xen's IO_INSTRUCTION handler 800
  // domain switches: Xen's CR3 write to Dom0's table and back to the vCPU's monitor table, 2 × cr3Write 206
  // the ioreq (Dom0 runs with XPTI on Intel: 2 × 206 = 412 per Dom0 kernel entry):
  //   Xen signals QEMU's event channel                                  eventChannelNotify 1,500
  //   Dom0 scheduled in                                                 backendWakeup 5,000
  //   upcall in Dom0 and QEMU switched in: interrupt 500 + bounce 150 + XPTI 412 + contextSwitch 1,500
  //     + cr3Write 206                                                  2,768
  //   the upcall's iret hypercall                                       hypercallEntry 250
  //   4 QEMU syscalls × (syscall 70 + kernel work 180 + 2 × 206 + bounce 150 + hypercallEntry 250 + XPTI 412)
  //     = 4 × 1,474                                                     5,896
  //   QEMU's notify: hypercallEntry 250 + eventChannelNotify 1,500 + XPTI 412   2,162
  //   QEMU switched out, Dom0 idle: contextSwitch 1,500 + cr3Write 206 + XPTI 412   2,118
  //   Dom0's SCHEDOP_block                                              hypercallEntry 250
  //   = 19,944, and QEMU's emulation: deviceModelAccess 3,000
  assert.deepEqual(d.attribution, { 'exit:IO_INSTRUCTION': 2300, ioreq: 19944, 'domain-switch': 412, 'device-model': 3000 });
  assert.equal(d.cycles, 2300 + 19944 + 412 + 3000);
  assert.equal(d.events.ioreqs, 1);
  assert.equal(d.events.dom0Syscalls, 4);
  assert.equal(d.events.domainSwitches, 2);
  assert.equal(d.events.eventChannel, 2);
  assert.equal(d.events['dom0:event_channel_op'], 1);
  assert.equal(d.events['dom0:sched_op'], 1);
  assert.equal(d.events['dom0:iret'], 1);
  // each root-mode CR3 write flushes VPID 0's non-global entries
  assert.deepEqual(d.flushCause, { cr3: 2 });
  assert.deepEqual(d.flushScope, { nonGlobal: 2 });
  // no guest hypercall: the ioreq is Xen's, not the guest's
  assert.deepEqual(d.hypercalls, {});
});

test('ioreqs in a row: every round trip is counted and charged, the guest\'s VPID-tagged TLB entries survive', () => {
  const one = delta('xen:mode=hvm', [], [pio(1)]);
  const many = delta('xen:mode=hvm', [], [pio(1000)]);
  for (const k of ['exit:IO_INSTRUCTION', 'ioreq', 'domain-switch', 'device-model']) assert.equal(many.attribution[k], 1000 * one.attribution[k]!, k);
  // the rest is the guest's own HZ=250 tick, due in the ~10 ms of busy time (kernel.ts takeTicks)
  assert.equal(one.events.guestTicks, undefined);
  assert.ok((many.events.guestTicks ?? 0) > 0);
  assert.deepEqual(many.flushScope, { nonGlobal: 2000 });
  assert.equal(many.events.ioreqs, 1000);
  // a page touched before the ioreqs is still in the TLB after them: Dom0's switches flush VPID 0 only
  const map: GuestOp = { op: 'map', region: 'r', bytes: 4096, pageSize: '4k' };
  const touch: GuestOp = { op: 'touch', region: 'r', pattern: 'seq', accesses: 1, write: false };
  const after = delta('xen:mode=hvm', [map, touch], [pio(3), touch]);
  assert.equal(after.misses, 0);
});

test('a port Xen emulates itself (the ELCR, 0x4d0) is handled in Xen: no ioreq, no Dom0', () => {
  const d = delta('xen:mode=hvm', [], [{ op: 'pio', port: 0x4d0, write: false, count: 2 }]);
  assert.deepEqual(d.attribution, { 'exit:IO_INSTRUCTION': 2 * 2300 });
  assert.equal(d.events.ioreqs, undefined);
});

test('MMIO to QEMU\'s range is an EPT_VIOLATION (p2m_mmio_dm), decoded by hvm_emulate_one, then an ioreq', () => {
  const d = delta('xen:mode=hvm', [], [{ op: 'mmio', write: true, count: 1 }]);
  assert.deepEqual(d.exits, { EPT_VIOLATION: 1 });
  // exitRoundTrip 1,500 + EPT_VIOLATION handler 2,000; the ioreq as above
  assert.equal(d.attribution['exit:EPT_VIOLATION'], 3500);
  assert.equal(d.attribution.ioreq, 19944);
});
