// The freestanding guest's processes (engines/kvm-host/guest/process.c, paging.c, frames.c) run on a real KVM
// through kvm-qemu: fork shares frames copy-on-write, the first write on either side breaks the sharing, exec
// and exit give every frame and table back, vfork copies nothing. Checked through the counters the guest keeps
// itself. Skipped, with the reason printed, where the lab cannot run (no QEMU, no apt, no package lists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../../engines/types.ts';
import { kvmQemuEngine } from '../../../../engines/kvm-qemu/engine.ts';
import { shutdownL1 } from '../../../../engines/kvm-qemu/l1-session.ts';
import { getProfile } from '../../../../engines/machine/profiles/index.ts';

const a = kvmQemuEngine.availability();
const skip = a.available ? false : `kvm-qemu unavailable here: ${a.reason}`;
if (skip) console.log(`# skipping: ${skip}`);
test.after(shutdownL1);

test('fork, COW writes on both sides, exit, vfork + exec + exit: faults, CR3 writes and frames counted by hand', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'map', region: 'a', bytes: 64 << 10, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 16, write: true },
    { op: 'fork' },
    { op: 'switch', to: 2 },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 4, write: true },
    { op: 'exit' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 16, write: true },
    { op: 'fork', vfork: true },
    { op: 'switch', to: 3 },
    { op: 'exec' },
    { op: 'map', region: 'b', bytes: 8 << 10, pageSize: '4k' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 2, write: true },
    { op: 'exit' },
  ];
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as { failedOps: unknown[]; skipped: { total: number }; guest: { framesUsed: number } };
  assert.deepEqual(m.failedOps, []);
  assert.equal(m.skipped.total, 0);
  assert.equal(c.events.forks, 2);
  assert.equal(c.events.execs, 1);
  assert.equal(c.events.exits, 2);
  // demand faults: a's 16 pages, then b's 2 in the exec'd child
  assert.equal(c.events.pageFaults, 18);
  // fork write-protects a's 16 pages on both sides. The child's 4 writes copy 4 frames (still shared); after its
  // exit every frame of a has one mapping again, and the parent's 16 writes each take a fault that only
  // restores the write bit (wp_page_reuse): 4 + 16
  assert.equal(c.events.cowFaults, 20);
  // only the 4 copies INVLPG the old translation (ptep_clear_flush); the reuse faults need none, the fault itself
  // dropped the read-only entry (Intel SDM Vol. 3 §4.10.4.1)
  assert.equal(c.tlb.flushes.byCause.invlpg, 4);
  // CR3 writes: fork's flush of the parent's write-protected entries, the switch to 2, pid 2's exit back to pid 1,
  // exec loading its fresh PML4, pid 3's exit back to pid 1 = 5. The switch to the vfork child writes none: it
  // runs on its parent's address space
  assert.equal(c.tlb.flushes.byCause.cr3, 5);
  // what is left: pid 1's 16 frames of a and the PDPT, PD and PT above them; pid 2's tables and copies and
  // pid 3's PML4, tables and b's frames all went back
  assert.equal(m.guest.framesUsed, 19);
});
