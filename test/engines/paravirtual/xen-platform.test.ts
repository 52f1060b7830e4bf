import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from '../guest/run-engine.ts';

const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number): GuestOp => ({ op: 'touch', region, pattern: 'seq', accesses, write: true });

test('N syscalls: 2N guest page-table switches, each flushing non-global entries, N iret hypercalls', () => {
  const d = delta('xen', [], [{ op: 'syscall', count: 7 }]);
  assert.equal(d.events.ptSwitches, 14);
  assert.deepEqual(d.flushScope, { nonGlobal: 14 });
  assert.deepEqual(d.flushCause, { cr3: 14 });
  assert.deepEqual(d.hypercalls, { iret: 7 });
  const pcid = delta('xen:pcid=on', [], [{ op: 'syscall', count: 7 }]);
  assert.deepEqual(pcid.flushScope, {});
  assert.equal(pcid.events.ptSwitches, 14);
});

test('the user TLB does not survive a syscall without PCID', () => {
  const warm: GuestOp[] = [map('a', 8), touch('a', 8), touch('a', 8)];
  assert.equal(delta('xen', warm, [{ op: 'syscall', count: 1 }, touch('a', 8)]).misses, 8);
  assert.equal(delta('xen:pcid=on', warm, [{ op: 'syscall', count: 1 }, touch('a', 8)]).misses, 0);
});

test('touching N fresh pages: N bounced faults, validated mmu_updates, pinned tables', () => {
  const d = delta('xen', [map('a', 10)], [touch('a', 10)]);
  assert.deepEqual(d.exits, { page_fault: 10 });
  // 10 leaf PTEs + PD and PT links one by one; the PML4 link goes to the kernel and user L4 together (a
  // multicall of 2), and each new table's read-only alias + pin is a multicall of 2
  assert.equal(d.hypercalls.mmu_update, 12);
  assert.equal(d.hypercalls.multicall, 4);
  assert.equal(d.events.tablesPinned, 3);
  assert.equal(d.hypercalls.iret, 10);
  assert.equal(d.events.ptSwitches, 20);
});

test('fork of a process with M mapped pages: updates batched into ceil(updates / batch) multicalls', () => {
  const prefix: GuestOp[] = [map('a', 40), touch('a', 40)];
  // lazy window: 40 parent write-protects + 40 child PTEs + 3 child tables × 2 pin ops + 4 links = 90 entries;
  // before it, the child's two L4s are pinned (one multicall); after it, the parent's TLB is flushed
  const d = delta('xen', prefix, [{ op: 'fork' }]);
  assert.equal(d.events.mmuUpdates, 84);
  assert.equal(d.events.multicallEntries, 4 + 90);
  assert.deepEqual(d.hypercalls, { multicall: 1 + Math.ceil(90 / 32), mmuext_op: 1 });
  const b8 = delta('xen:batch=8', prefix, [{ op: 'fork' }]);
  assert.deepEqual(b8.hypercalls, { multicall: 1 + Math.ceil(90 / 8), mmuext_op: 1 });
});

test('cpuid traps as forced_invalid_op; the timer is set_timer_op and idle is sched_op block', () => {
  assert.deepEqual(delta('xen', [], [{ op: 'cpuid', count: 3 }]).exits, { forced_invalid_op: 3 });
  const t = delta('xen', [], [{ op: 'timer', periodUs: 1000, ticks: 2 }]);
  assert.deepEqual(t.hypercalls, { iret: 2, sched_op: 2, set_timer_op: 2 });
  assert.deepEqual(t.exits, {});
});

test('split drivers: one notification each way per batch; grant map flushes on unmap, grant copy does not', () => {
  const io: GuestOp = { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 40 };
  const map_ = delta('xen', [], [io]);
  assert.equal(map_.events.eventChannel, 4);
  assert.equal(map_.hypercalls.grant_table_op, 80);
  assert.deepEqual(map_.flushCause, { grantUnmap: 40 });
  assert.ok((map_.attribution['split-driver'] ?? 0) > 0);
  const copy = delta('xen:grant=copy', [], [io]);
  assert.equal(copy.hypercalls.grant_table_op, 40);
  assert.deepEqual(copy.flushCause, {});
});
