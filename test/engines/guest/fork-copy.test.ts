import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta } from './run-engine.ts';

// fork of a large process, in ms per GB of RSS, against the published figures (Redis documentation,
// "Diagnosing latency issues", fork time in different systems): bare metal 9–13 ms/GB, EC2 HVM ≈ 10 ms/GB,
// EC2 PV (Xen) ≈ 239 ms/GB, Linode PV (Xen) ≈ 424 ms/GB. Bounded: a 32 MiB RSS (8,192 pages) is simulated
// and scaled ×32 to 1 GiB. Fork's page-table work is linear in the pages (one PTE copy, one write-protect per
// page, one PTE page per 512); its fixed part (forkBase 25,000 cycles = 10 µs) adds 0.3 ms/GB at this scale.
const PAGES = 8192;
const SCALE = 262144 / PAGES;
const prefix: GuestOp[] = [
  { op: 'map', region: 'heap', bytes: PAGES * 4096, pageSize: '4k' },
  { op: 'touch', region: 'heap', pattern: 'seq', accesses: PAGES, write: true },
];

/** fork's simulated time on intel-modern (2.5 GHz), in ms per GB of RSS */
function msPerGb(engine: string): number {
  return (delta(engine, prefix, [{ op: 'fork' }]).cycles / 2.5e9) * 1000 * SCALE;
}

test('fork of a 1 GiB RSS: native and kvm in the bare-metal / HVM band, xen in the published PV band', () => {
  // native per page: pteWrite 10 (parent write-protect) + 10 (child PTE) + forkPage 85 = 105 cycles;
  // 105 × 262,144 pages / 2.5 GHz = 11.0 ms/GB (the 16 PTE-page links and forkBase add a few µs)
  const native = msPerGb('native');
  assert.ok(native >= 9 && native <= 13, `native ${native.toFixed(1)} ms/GB`);
  // kvm with EPT: the guest's fork is native (no exits: PTE writes and the flush stay in the guest)
  const kvm = msPerGb('kvm');
  assert.ok(kvm >= 9 && kvm <= 13, `kvm ${kvm.toFixed(1)} ms/GB`);
  // xen (intel-modern: XPTI) per page: a ptwr trap for the parent's write-protect — exception 250 +
  // emulatePrivop 1,000 + ptwr_emulated_update's get_page_from_l1e of the new PTE and put_page_from_l1e of the
  // old (2 × pteValidate 200) + XPTI's 2 CR3 writes × 206 = 2,062 cycles; the child's PTE, a batched mmu_update
  // (Xen's store, pteWrite 10, + 250 hypercall entry shared by 31 requests ≈ 18); its get_page_from_l1e when
  // PIN_L1 takes the PTE page (200); the guest's own 105: ≈ 2,385 cycles = 0.95 µs per page ≈ 250 ms/GB,
  // inside the published PV band 239–424 (EC2 PV to Linode PV). Without XPTI (the 2012 hosts had none) the
  // 412 cycles of CR3 writes go: ≈ 208 ms/GB, under EC2's figure — the published hosts' slower traps and
  // validation are not in the Skylake-SP profile (harness/validate/known-outside.ts has no entry: the case
  // runs the default, XPTI on)
  const xen = msPerGb('xen');
  assert.ok(xen >= 239 && xen <= 424, `xen ${xen.toFixed(1)} ms/GB`);
});
