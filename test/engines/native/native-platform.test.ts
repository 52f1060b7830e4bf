import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta, run } from '../guest/run-engine.ts';

test('native has no exits, no hypercalls and no hypervisor or host cycles', () => {
  const ops: GuestOp[] = [
    { op: 'map', region: 'a', bytes: 64 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 64, write: true },
    { op: 'cpuid', count: 3 }, { op: 'syscall', count: 10 }, { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 4 },
  ];
  const r = run('native', ops);
  assert.equal(r.exits.total, 0);
  assert.equal(r.hypercalls.total, 0);
  assert.equal(r.cycles.hypervisor + r.cycles.host, 0);
});

test('a syscall costs SYSCALL/SYSRET plus the kernel body and flushes nothing', () => {
  const d = delta('native', [], [{ op: 'syscall', count: 4 }]);
  // intel-modern: syscall 70 + syscallKernelWork 180, and the kernel's 4 footprint pages read per call at an
  // L1 hit's 4 cycles; the first call walks for them (never touched since boot): 4 refs for the first, then
  // 1 each (the PDE cache holds their PD) = 7 refs × memRef 20, and loads them from DRAM: 4 × 221
  assert.equal(d.cycles, 4 * 250 + 4 * 4 * 4 + 7 * 20 + 4 * 221);
  assert.equal(d.events.dramLoads, 4);
  assert.equal(d.events.kernelTlbMisses, 4);
  assert.deepEqual(d.flushScope, {});
  // warm: the kernel's entries are global and no CR3 write happens, so nothing is walked again
  const warm = delta('native', [{ op: 'syscall', count: 1 }], [{ op: 'syscall', count: 4 }]);
  assert.equal(warm.cycles, 4 * 250 + 4 * 4 * 4);
  assert.equal(warm.misses, 0);
});

test('the kernel tags address spaces with PCIDs where the CPU has them', () => {
  const ops: GuestOp[] = [{ op: 'fork' }, { op: 'switch', to: 2 }];
  assert.deepEqual(delta('native', [], ops).flushScope, { tagged: 1 });
  assert.deepEqual(delta('native', [], ops, 'core2-2007').flushScope, { nonGlobal: 1 });
});
