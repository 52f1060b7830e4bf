// Threads on several vCPUs: each vCPU has its own TLB, and a munmap on one reaches the others' (mm_cpumask).
// The kernel is driven op by op on a platform so that each vCPU's TLB can be looked into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { GuestKernel } from '../../../engines/guest/kernel.ts';
import { MMAP_BASE } from '../../../engines/guest/address-space.ts';
import { Rng } from '../../../engines/rng.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { NativePlatform } from '../../../engines/native/native-platform.ts';
import { XenPlatform } from '../../../engines/paravirtual/xen-platform.ts';
import { KvmPlatform, type KvmOptions } from '../../../engines/hardware-assisted/kvm-platform.ts';
import { FAULT_NOT_PRESENT } from '../../../engines/machine/types.ts';

const intel = getProfile('intel-modern');
const PAGE = 4096;
// regions start at MMAP_BASE, 2 MiB aligned, each followed by a 2 MiB gap: `shared` (16 pages) at MMAP_BASE,
// `other` (4 pages) at the next 2 MiB boundary after shared's end + 2 MiB, i.e. MMAP_BASE + 4 MiB
const SHARED = MMAP_BASE;
const OTHER = MMAP_BASE + 4 * 1024 * 1024;
const vpns = (base: number, n: number) => Array.from({ length: n }, (_, i) => base / PAGE + i);

const kvmOptions = (o: Partial<KvmOptions> = {}): KvmOptions => ({
  mmu: 'ept', shadowCache: true, vpid: true, io: 'virtio', apicv: true, thp: true, prealloc: false, pveoi: true, haltPoll: true, guestHaltPoll: false,
  pvIpi: true, pvTlbFlush: true, hostCpus: 0, apic: 'x2apic', lapicTimer: 'deadline', ...o,
});

type AnyPlatform = NativePlatform;

/** `cpus` threads on vCPUs 0, 1, … write all `sharedPages` pages of `shared` and the 4 of `other` */
function threads(p: AnyPlatform, cpus = 4, sharedPages = 16): GuestKernel {
  const k = new GuestKernel(p, new Rng(1));
  const ops: GuestOp[] = [
    { op: 'map', region: 'shared', bytes: sharedPages * PAGE, pageSize: '4k' },
    { op: 'map', region: 'other', bytes: 4 * PAGE, pageSize: '4k' },
  ];
  for (let cpu = 0; cpu < cpus; cpu++) {
    ops.push({ op: 'touch', region: 'shared', pattern: 'seq', accesses: sharedPages, write: true, cpu });
    ops.push({ op: 'touch', region: 'other', pattern: 'seq', accesses: 4, write: true, cpu });
  }
  for (const op of ops) k.run(op);
  return k;
}

/** after the munmap of the 16 shared pages: vCPUs 1 to `cpus` − 1 hold none of them and re-walk all 16; they
 *  keep the other region's 4 entries, or (`otherLost`) lost them too and re-walk those */
function lostExactly(p: AnyPlatform, otherLost: boolean, cpus = 4): void {
  for (let cpu = 1; cpu < cpus; cpu++) {
    assert.equal(cached(p, cpu, vpns(SHARED, 16)), 0, `vCPU ${cpu} lost the 16 unmapped pages`);
    assert.equal(cached(p, cpu, vpns(OTHER, 4)), otherLost ? 0 : 4, `vCPU ${cpu}'s other region`);
    // with a stale entry the read would have hit the freed frame; it misses and walks to a not-present entry
    assert.equal(missesReading(p, cpu, vpns(SHARED, 16)), 16);
    assert.equal(missesReading(p, cpu, vpns(OTHER, 4)), otherLost ? 4 : 0);
  }
}

/** how many of `pages` vCPU `cpu`'s TLB holds, for the context it runs with */
function cached(p: AnyPlatform, cpu: number, pages: number[]): number {
  const mmu = p.machine.mmus[cpu];
  return pages.filter((vpn) => mmu.tlb.lookup(vpn, mmu.pcid, mmu.vpid)).length;
}

/** TLB misses of vCPU `cpu` reading each of `pages` (from vCPU 0 afterwards) */
function missesReading(p: AnyPlatform, cpu: number, pages: number[]): number {
  p.selectCpu(cpu);
  const before = p.counters.tlbMisses;
  for (const vpn of pages) p.access(vpn * PAGE, false);
  const misses = p.counters.tlbMisses - before;
  p.selectCpu(0);
  return misses;
}

function flushes(p: AnyPlatform) {
  const s = p.counters.snapshot();
  return { scope: { ...s.tlb.flushes.byScope }, cause: { ...s.tlb.flushes.byCause }, ipis: s.events.ipis ?? 0, exits: { ...s.exits.byReason }, hypercalls: { ...s.hypercalls.byOp } };
}

const sub = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - (b[k] ?? 0)]).filter(([, v]) => v !== 0));

test('setup: each of the 4 vCPUs caches the 20 pages its thread wrote, in its own TLB', () => {
  const p = new NativePlatform(intel);
  threads(p);
  assert.equal(p.machine.mmus.length, 4);
  for (let cpu = 0; cpu < 4; cpu++) {
    assert.equal(cached(p, cpu, vpns(SHARED, 16)), 16);
    assert.equal(cached(p, cpu, vpns(OTHER, 4)), 4);
  }
});

test('native: a munmap of 16 shared pages costs 3 IPIs and 16 INVLPGs on each other vCPU, which lose exactly those entries and re-walk them', () => {
  const p = new NativePlatform(intel);
  const k = threads(p);
  const before = flushes(p);
  k.run({ op: 'unmap', region: 'shared' });
  const after = flushes(p);
  // 16 pages ≤ tlb_single_page_flush_ceiling (33): 16 INVLPGs here (cause invlpg) and, by flush_tlb_func
  // on vCPUs 1–3, 3 × 16 = 48 more (cause shootdown); one IPI to each of the 3 other vCPUs
  assert.deepEqual(sub(after.scope, before.scope), { single: 64 });
  assert.deepEqual(sub(after.cause, before.cause), { invlpg: 16, shootdown: 48 });
  assert.equal(after.ipis - before.ipis, 3);
  lostExactly(p, false);
  p.selectCpu(2);
  assert.equal(p.access(SHARED, false), FAULT_NOT_PRESENT);
});

const xenPlatform = () => new XenPlatform(intel, { pcid: true, xpti: true, batch: 32, arch: 'x86_64', blk: 'persistent', net: 'copy' });

for (const cpus of [2, 4]) {
  test(`xen, ${cpus} vCPUs: a 16-page munmap is one TLB_FLUSH_MULTI hypercall for all of them, no guest IPI, no local INVLPG_LOCAL; Xen flushes all of each, the caller too, and each re-walks the 16 pages and the other region`, () => {
    const p = xenPlatform();
    const k = threads(p, cpus);
    const before = flushes(p);
    k.run({ op: 'unmap', region: 'shared' });
    const after = flushes(p);
    // xen_flush_tlb_multi (Linux ≥ 5.13): the mask is every vCPU, the caller's included; 16 pages is more than
    // one page, so one MMUEXT_TLB_FLUSH_MULTI and no MMUEXT_INVLPG_LOCAL (before 5.13: 16 of them, then the
    // multi for the others, 17 mmuext_op). On intel-modern (PCID, INVPCID) Xen's do_tlb_flush is a flush of
    // everything: on the caller (cause hypercall, as its TLB_FLUSH_LOCAL would be) and on the cpus − 1 others
    // (shootdown)
    assert.deepEqual(sub(after.cause, before.cause), { hypercall: 1, shootdown: cpus - 1 });
    assert.deepEqual(sub(after.scope, before.scope), { full: cpus });
    assert.equal(sub(after.hypercalls, before.hypercalls).mmuext_op, 1);
    assert.equal(after.ipis - before.ipis, cpus - 1);
    lostExactly(p, true, cpus);
    // the caller's TLB lost the other region too: its next reads of it re-walk, 4 real misses
    assert.equal(cached(p, 0, vpns(SHARED, 16)), 0);
    assert.equal(cached(p, 0, vpns(OTHER, 4)), 0);
    assert.equal(missesReading(p, 0, vpns(OTHER, 4)), 4);
  });

  test(`xen, ${cpus} vCPUs: a one-page munmap is MMUEXT_INVLPG_MULTI for all of them: each, the caller too, loses exactly that entry`, () => {
    const p = xenPlatform();
    const k = threads(p, cpus, 1);
    const before = flushes(p);
    k.run({ op: 'unmap', region: 'shared' });
    const after = flushes(p);
    // one mmuext_op: Xen's INVLPG on the caller (cause hypercall) and on each of the cpus − 1 others
    // (shootdown); no INVLPG_LOCAL before it (before 5.13: one, then the multi for the others, 2 mmuext_op)
    assert.deepEqual(sub(after.cause, before.cause), { hypercall: 1, shootdown: cpus - 1 });
    assert.deepEqual(sub(after.scope, before.scope), { single: cpus });
    assert.equal(sub(after.hypercalls, before.hypercalls).mmuext_op, 1);
    for (let cpu = 0; cpu < cpus; cpu++) {
      assert.equal(cached(p, cpu, [SHARED / PAGE]), 0);
      assert.equal(cached(p, cpu, vpns(OTHER, 4)), 4);
    }
  });
}

test('native and kvm, 2 vCPUs: munmap of 16 pages keeps 16 INVLPGs here and flush_tlb_func\'s 16 on the other vCPU; the other region stays cached', () => {
  // native_flush_tlb_multi runs flush_tlb_func here as flush_tlb_mm_range would alone; kvm_flush_tlb_multi
  // keeps the caller in the mask and calls it too
  for (const p of [new NativePlatform(intel), new KvmPlatform(intel, kvmOptions())]) {
    const k = threads(p, 2);
    const before = flushes(p);
    k.run({ op: 'unmap', region: 'shared' });
    assert.deepEqual(sub(flushes(p).cause, before.cause), { invlpg: 16, shootdown: 16 });
    for (let cpu = 0; cpu < 2; cpu++) {
      assert.equal(cached(p, cpu, vpns(SHARED, 16)), 0);
      assert.equal(cached(p, cpu, vpns(OTHER, 4)), 4);
    }
  }
});

test('kvm: running vCPUs get one PV send-IPI (one VMCALL exit), posted to them without exits; each loses exactly the 16 entries under its own VPID', () => {
  const p = new KvmPlatform(intel, kvmOptions());
  const k = threads(p);
  for (let cpu = 0; cpu < 4; cpu++) assert.equal(p.machine.mmus[cpu].vpid, cpu + 1);
  const before = flushes(p);
  k.run({ op: 'unmap', region: 'shared' });
  const after = flushes(p);
  assert.deepEqual(sub(after.exits, before.exits), { VMCALL: 1 });
  assert.deepEqual(sub(after.cause, before.cause), { invlpg: 16, shootdown: 48 });
  lostExactly(p, false);
});

test('kvm without APICv or PV send-IPI: an ICR write per target (3 MSR_WRITE exits) and a kick of each running target', () => {
  const p = new KvmPlatform(intel, kvmOptions({ apicv: false, pvIpi: false, pveoi: true }));
  const k = threads(p);
  const before = flushes(p);
  k.run({ op: 'unmap', region: 'shared' });
  // 3 ICR writes by the sender, 3 EXTERNAL_INTERRUPT kicks; PV EOI: no EOI exit
  assert.deepEqual(sub(flushes(p).exits, before.exits), { MSR_WRITE: 3, EXTERNAL_INTERRUPT: 3 });
  for (let cpu = 1; cpu < 4; cpu++) assert.equal(cached(p, cpu, vpns(SHARED, 16)), 0);
});

test('kvm PV TLB flush: preempted vCPUs get no IPI; KVM flushes each one\'s whole VPID at its next entry', () => {
  // one host CPU: after each thread's touch vCPU 0 runs again, so vCPUs 1–3 are preempted
  const p = new KvmPlatform(intel, kvmOptions({ hostCpus: 1 }));
  const k = threads(p);
  const before = flushes(p);
  const beforeEvents = p.counters.snapshot().events;
  k.run({ op: 'unmap', region: 'shared' });
  const after = flushes(p);
  // no IPI, no exit: KVM_VCPU_FLUSH_TLB set for 3 vCPUs; only the local INVLPGs so far
  assert.deepEqual(sub(after.exits, before.exits), {});
  assert.deepEqual(sub(after.cause, before.cause), { invlpg: 16 });
  assert.equal(p.counters.snapshot().events.pvTlbFlushes - (beforeEvents.pvTlbFlushes ?? 0), 3);
  // a preempted vCPU runs nothing, so its stale entries are harmless until it is scheduled in
  assert.equal(cached(p, 1, vpns(SHARED, 16)), 16);
  // its next entry flushes its VPID: the 16 and the other 4 re-walk
  assert.equal(missesReading(p, 1, vpns(SHARED, 16)), 16);
  assert.equal(missesReading(p, 1, vpns(OTHER, 4)), 4);
  assert.equal(sub(flushes(p).cause, after.cause).shootdown, 1);
});

test('kvm without PV TLB flush: an IPI to a preempted vCPU waits for the host to schedule it in', () => {
  const p = new KvmPlatform(intel, kvmOptions({ hostCpus: 1, pvTlbFlush: false }));
  const k = threads(p);
  const pre = p.counters.snapshot().events.vcpuPreemptions ?? 0;
  k.run({ op: 'unmap', region: 'shared' });
  // vCPUs 1, 2, 3 scheduled in in turn to take the IPI, then vCPU 0 again: 4 host switches
  assert.equal(p.counters.snapshot().events.vcpuPreemptions - pre, 4);
  for (let cpu = 1; cpu < 4; cpu++) assert.equal(cached(p, cpu, vpns(SHARED, 16)), 0);
});

test('a thread scheduled on a new vCPU loads the address space there once (one context switch)', () => {
  const p = new NativePlatform(intel);
  const k = new GuestKernel(p, new Rng(1));
  k.run({ op: 'map', region: 'a', bytes: PAGE, pageSize: '4k' });
  const switches = () => p.counters.snapshot().events.contextSwitches ?? 0;
  k.run({ op: 'touch', region: 'a', pattern: 'seq', accesses: 1, write: true, cpu: 3 });
  k.run({ op: 'touch', region: 'a', pattern: 'seq', accesses: 1, write: true, cpu: 3 });
  // vCPUs 1 and 2 come up (no thread runs there), vCPU 3 switches to the process once
  assert.equal(p.machine.mmus.length, 4);
  assert.equal(switches(), 1);
});
