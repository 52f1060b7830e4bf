import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from '../guest/run-engine.ts';

const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number): GuestOp => ({ op: 'touch', region, pattern: 'seq', accesses, write: true });

test('N cpuid: N CPUID exits on kvm, none natively; the overhead is exactly the exits', () => {
  const kvm = delta('kvm', [], [{ op: 'cpuid', count: 5 }]);
  const native = delta('native', [], [{ op: 'cpuid', count: 5 }]);
  assert.deepEqual(kvm.exits, { CPUID: 5 });
  assert.deepEqual(native.exits, {});
  // intel-modern: exitRoundTrip 1,500 + CPUID handler 100
  assert.deepEqual(kvm.attribution, { cpuid: native.attribution.cpuid, 'exit:CPUID': 5 * 1600 });
});

test('syscalls need no exit and no flush under EPT', () => {
  const d = delta('kvm', [], [{ op: 'syscall', count: 7 }]);
  assert.deepEqual(d.exits, {});
  assert.deepEqual(d.flushScope, {});
});

test('first touch of unbacked guest memory exits with EPT_VIOLATION: pages + new tables, the first time only', () => {
  // 10 pages in a fresh region: 10 data frames + PDPT, PD, PT
  const first = delta('kvm', [map('a', 10)], [touch('a', 10)]);
  assert.deepEqual(first.exits, { EPT_VIOLATION: 13 });
  // unmapped and mapped again: the guest reuses frames that are already backed
  const again = delta('kvm', [map('a', 10), touch('a', 10), { op: 'unmap', region: 'a' }, map('b', 10)], [touch('b', 10)]);
  assert.equal(again.events.pageFaults, 10);
  assert.deepEqual(again.exits, {});
});

test('shadow paging turns PTE writes into exits and intercepts page faults', () => {
  const d = delta('kvm:mmu=shadow', [map('a', 10)], [touch('a', 10)]);
  // 10 leaf PTEs + 3 table links written; 13 frames first touched (hidden faults); 10 #PF intercepted
  assert.equal(d.events.shadowPteWrites, 13);
  assert.equal(d.events.hiddenFaults, 13);
  assert.deepEqual(d.exits, { EXCEPTION_NMI: 36 });
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
  // 10 port accesses per ATA request, each to QEMU; one completion interrupt (and HLT) per request
  assert.deepEqual(emulated.exits, { HLT: 40, IO_INSTRUCTION: 400 });
  assert.equal(emulated.events.exitsToUser, 400);
  const net = delta('kvm:io=emulated', [], [{ op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 8 }]);
  assert.equal(net.exits.EPT_MISCONFIG, 24);
});

test('MSR bitmap: TSC deadline and ICR writes exit, FS base does not; EOI exits only without APICv', () => {
  assert.deepEqual(delta('kvm', [], [{ op: 'msr', index: 0x6e0, write: true, count: 3 }]).exits, { MSR_WRITE: 3 });
  assert.deepEqual(delta('kvm', [], [{ op: 'msr', index: 0xc0000100, write: true, count: 3 }]).exits, {});
  assert.deepEqual(delta('kvm', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]).exits, { HLT: 2, MSR_WRITE: 2 });
  assert.deepEqual(delta('kvm:apicv=off', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]).exits, { HLT: 2, MSR_WRITE: 4 });
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x4d0, write: false, count: 2 }]).events.exitsInKernel, 2);
  assert.deepEqual(delta('kvm', [], [{ op: 'pio', port: 0x1234, write: false, count: 2 }]).events.exitsToUser, 2);
});
