import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import { applyParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

const w = builtinWorkloads().find((x) => x.id === 'memory/threads-shootdown')!;
const params = applyParams(w, { iterations: 5 });
const ops = () => [...w.generate(params, new Rng(1))];

test('threads-shootdown: 4 threads on vCPUs 0–3 write the shared region and the buffer; each munmap reaches the 3 others', () => {
  const native = run('native', ops(), 'intel-modern', 1);
  // per round: 16 INVLPGs on vCPU 0 (16 ≤ 33 pages) and one IPI + 16 INVLPGs on each of vCPUs 1–3
  assert.equal(native.tlb.flushes.byCause.invlpg, 5 * 16);
  assert.equal(native.tlb.flushes.byCause.shootdown, 5 * 3 * 16);
  assert.equal(native.events.ipis, 5 * 3);
  // the threads were scheduled on vCPUs 1–3 in setup (one context switch each), not in the measured rounds
  assert.equal(native.setup?.events.contextSwitches, 3);
  assert.equal(native.events.contextSwitches, undefined);
  // per round: vCPU 0 faults the 16 buffer pages in (a miss before and after each fault: 32), vCPUs 1–3 miss
  // each buffer page once (48); the 64 shared pages stay in every vCPU's STLB (80 entries in 1,536)
  assert.equal(native.tlb.misses, 5 * (32 + 48));
  assert.deepEqual(w.perOp?.(params), { count: 5, unit: 'munmap' });
});

test('threads-shootdown on xen: one TLB_FLUSH_MULTI a round empties all 4 vCPUs, the unmapping one too, so they re-walk the shared region every round', () => {
  const xen = run('xen', ops(), 'intel-modern', 1);
  // xen_flush_tlb_multi (Linux ≥ 5.13): the mask is vCPUs 0–3, the caller's included; 16 pages > 1, so one
  // MMUEXT_TLB_FLUSH_MULTI a round and no INVLPG_LOCAL. Xen flushes everything on vCPU 0 (cause hypercall)
  // and on each of vCPUs 1–3 (shootdown)
  assert.equal(xen.hypercalls.byOp.mmuext_op, 5);
  assert.equal(xen.tlb.flushes.byCause.hypercall, 5);
  assert.equal(xen.tlb.flushes.byCause.shootdown, 5 * 3);
  assert.equal(xen.tlb.flushes.byScope.full, 5 * 4);
  assert.equal(xen.tlb.flushes.byScope.single, undefined);
  // native's 80 misses per round, and in rounds 2–5 (the flush ends each round) each of the 4 vCPUs re-walks
  // the 64 shared pages it lost (before Linux 5.13 vCPU 0 kept them: 5 × 80 + 4 × 3 × 64 = 1,168)
  assert.equal(xen.tlb.misses, 5 * 80 + 4 * 4 * 64);
});

test('threads-shootdown on kvm: the remote flush of 3 vCPUs is one KVM_HC_SEND_IPI, of 1 vCPU an ICR write', () => {
  // 4 threads: each munmap's mask holds vCPUs 1–3, sent by kvm_send_ipi_mask as one VMCALL; the targets run
  // their threads, so the IPI is posted (APICv: no kick) and each INVLPGs the 16 pages (16 ≤ 33)
  const four = run('kvm', ops(), 'intel-modern', 1);
  assert.equal(four.exits.byReason.VMCALL, 5);
  assert.equal(four.exits.byReason.MSR_WRITE ?? 0, four.events.guestTicks ?? 0);
  assert.equal(four.tlb.flushes.byCause.shootdown, 5 * 3 * 16);
  // 2 threads: vCPU 1 alone, send_call_function_single_ipi → apic->send_IPI, one x2APIC ICR write a round
  const two = run('kvm', [...w.generate(applyParams(w, { iterations: 5, threads: 2 }), new Rng(1))], 'intel-modern', 1);
  assert.equal(two.exits.byReason.VMCALL, undefined);
  assert.equal(two.exits.byReason.MSR_WRITE, 5 + (two.events.guestTicks ?? 0));
  assert.equal(two.tlb.flushes.byCause.shootdown, 5 * 16);
});
