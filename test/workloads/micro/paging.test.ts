import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import type { RunCounters } from '../../../engines/types.ts';
import { applyParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

function runWorkload(id: string, engine: string, params: Record<string, number>): RunCounters {
  const w = builtinWorkloads().find((x) => x.id === id)!;
  return run(engine, [...w.generate(applyParams(w, params), new Rng(1))], 'intel-modern', 1);
}

test('set-page-table measures the guest populating its tables in RAM the host already backed', () => {
  // 4 MiB = 1,024 pages. Setup writes them once (the host backs the guest frames: EPT violations) and unmaps
  // them; the measured pass gets the same frames back from the guest's free list, so it faults 1,024 times
  // in the guest and never exits for memory
  const kvm = runWorkload('micro/set-page-table', 'kvm', { regionMiB: 4 });
  assert.equal(kvm.events.pageFaults, 1024);
  assert.equal(kvm.exits.byReason.EPT_VIOLATION, undefined);
  assert.ok((kvm.setup?.exits.byReason.EPT_VIOLATION ?? 0) >= 2, 'setup backed the 2 MiB blocks of the range');
});

test('cold-access reads each pre-mapped page once: one TLB miss per read, no fault', () => {
  // 16 MiB = 4,096 pages, faulted in during setup in order. The STLB (128 sets × 12 ways, LRU) then holds the
  // last 1,536 pages, 12 per set; reading again from page 0, each set takes 20 new pages before it reaches its
  // survivors, which are evicted by then: all 4,096 reads miss
  for (const engine of ['native', 'kvm']) {
    const r = runWorkload('micro/cold-access', engine, { regionMiB: 16 });
    assert.equal(r.tlb.misses, 4096, engine);
    assert.equal(r.events.pageFaults, undefined, engine);
    assert.equal(r.setup?.events.pageFaults, 4096, engine);
  }
});

test('hot-access and set-cr3 measure TLB hits and CR3 writes only: no miss, fault or memory exit on kvm', () => {
  // 64 pages fill the L1 DTLB's 16 sets × 4 ways exactly; with PCIDs a switch keeps both processes' entries
  const hot = runWorkload('micro/hot-access', 'kvm', { accesses: 1000 });
  assert.equal(hot.tlb.misses, 0);
  assert.equal(hot.events.pageFaults, undefined);
  const cr3 = runWorkload('micro/set-cr3', 'kvm', { count: 100 });
  assert.equal(cr3.exits.total, 0);
  assert.equal(cr3.events.contextSwitches, 100);
});

test('tlb-shootdown: the one remote flush IPI of a 2-vCPU munmap is an ICR write on kvm, a mask of 3 one KVM_HC_SEND_IPI', () => {
  // 2 vCPUs, 10 rounds: each munmap's flush_tlb_multi has one other CPU, so smp_call_function_many_cond sends
  // send_call_function_single_ipi through apic->send_IPI (not PV): one x2APIC ICR write (MSR_WRITE) per round;
  // the other vCPU runs the process, so the IPI is posted (APICv) and it INVLPGs the page in its handler
  const two = runWorkload('micro/tlb-shootdown', 'kvm', { iterations: 10 });
  assert.equal(two.exits.byReason.VMCALL, undefined);
  assert.equal(two.exits.byReason.MSR_WRITE, 10 + (two.events.guestTicks ?? 0));
  assert.equal(two.events.ipis, 10);
  assert.equal(two.tlb.flushes.byCause.shootdown, 10);
  // 4 vCPUs: the mask holds 3 others, arch_send_call_function_ipi_mask → kvm_send_ipi_mask, one hypercall a round
  const four = runWorkload('micro/tlb-shootdown', 'kvm', { iterations: 10, cpus: 4 });
  assert.equal(four.exits.byReason.VMCALL, 10);
  assert.equal(four.events.pvSendIpi, 10);
  assert.equal(four.exits.byReason.MSR_WRITE, four.events.guestTicks);
  assert.equal(four.events.ipis, 10 * 3);
  // xen (PV): MMUEXT_INVLPG_MULTI for the one page, one mmuext_op a round whatever the mask, no event channel;
  // xen:mode=hvm: Linux's HVM smp_ops send each call-function IPI as an EVTCHNOP_send per destination
  // (per round: rounds 11–20 add as many mmuext_ops on 4 vCPUs as on 2; the first round also loads the
  // address space on the vCPUs that join)
  const perTenRounds: number[] = [];
  for (const cpus of [2, 4]) {
    const xen = runWorkload('micro/tlb-shootdown', 'xen', { iterations: 10, cpus });
    assert.equal(xen.hypercalls.byOp.event_channel_op, undefined);
    perTenRounds.push(runWorkload('micro/tlb-shootdown', 'xen', { iterations: 20, cpus }).hypercalls.byOp.mmuext_op - xen.hypercalls.byOp.mmuext_op);
    const hvm = runWorkload('micro/tlb-shootdown', 'xen:mode=hvm', { iterations: 10, cpus });
    assert.equal(hvm.hypercalls.byOp.event_channel_op, 10 * (cpus - 1));
  }
  assert.equal(perTenRounds[0], perTenRounds[1]);
});
