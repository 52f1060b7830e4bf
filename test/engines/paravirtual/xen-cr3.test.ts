import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { run } from '../guest/run-engine.ts';

/** map 64 pages, then 1,000 × (a null syscall, a write to each of the 64 pages) */
function syscallTouch(): GuestOp[] {
  const ops: GuestOp[] = [{ op: 'map', region: 'a', bytes: 64 * 4096, pageSize: '4k' }];
  for (let i = 0; i < 1000; i++) {
    ops.push({ op: 'syscall', count: 1 });
    ops.push({ op: 'touch', region: 'a', pattern: 'seq', accesses: 64, write: true });
  }
  return ops;
}

test('(syscall, touch 64 pages) × 1,000 on amd-modern: xen user TLB misses within 2× native', () => {
  const native = run('native', syscallTouch(), 'amd-modern');
  const xen = run('xen', syscallTouch(), 'amd-modern');
  // native: each page misses on its first touch, faults, and misses again on the retry: 64 × 2 = 128 user
  // misses; afterwards the 64 pages stay in the TLB (no CR3 write on a syscall). The kernel's 4 footprint
  // pages miss once, on the first syscall, and stay (global).
  assert.equal(native.events.kernelTlbMisses, 4);
  assert.equal(native.tlb.misses - native.events.kernelTlbMisses, 128);
  // xen on amd-modern: no XPTI, no PCID, so CR4.PGE is on and the user pages Xen validated are global. The
  // same 128 user misses as native (the fault round trips' CR3 writes find nothing of the page to drop);
  // each syscall's switch into the guest kernel has dropped the kernel's 4 (non-global) entries: 4 × 1,000
  const xenUser = xen.tlb.misses - xen.events.kernelTlbMisses;
  assert.equal(xenUser, 128);
  assert.equal(xen.events.kernelTlbMisses, 4 * 1000);
  assert.ok(xenUser <= 2 * (native.tlb.misses - native.events.kernelTlbMisses));
  // the two guest page-table switches per syscall are CR3 writes on the TLB: 2 × 1,000, each flushing the
  // non-global entries; the 64 page faults add 2 each; boot loads pid 1's table (switch_cr3_cr4: CR4.PGE
  // cleared and set again, 2 full flushes, and its CR3 write) and returns to user mode (1 more)
  assert.equal(xen.events.cr3Writes, 2 + 2 * 1000 + 2 * 64);
  assert.deepEqual(xen.tlb.flushes.byScope, { nonGlobal: 2 + 2 * 1000 + 2 * 64, full: 2 });
});
