import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import type { RunCounters } from '../../../engines/types.ts';
import { applyParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

function runWorkload(engine: string, params: Record<string, number>, profile = 'intel-modern'): RunCounters {
  const w = builtinWorkloads().find((x) => x.id === 'memory/munmap-shootdown')!;
  return run(engine, [...w.generate(applyParams(w, params), new Rng(1))], profile, 1);
}

test('munmap-shootdown on kvm: 4 vCPUs take one KVM_HC_SEND_IPI per munmap, 2 vCPUs one ICR write', () => {
  // 5 rounds of a 64-page buffer: 64 > tlb_single_page_flush_ceiling (33), so every flush is a whole-TLB one.
  // 4 vCPUs: the mask of the 3 others is sent with one KVM_HC_SEND_IPI (VMCALL); each target reloads CR3
  const four = runWorkload('kvm', { iterations: 5 });
  assert.equal(four.exits.byReason.VMCALL, 5);
  assert.equal(four.exits.byReason.MSR_WRITE ?? 0, four.events.guestTicks ?? 0);
  assert.equal(four.events.ipis, 5 * 3);
  assert.equal(four.tlb.flushes.byCause.shootdown, 5 * 3);
  // 2 vCPUs: one other CPU, send_call_function_single_ipi: one ICR write (MSR_WRITE) per munmap, no hypercall
  const two = runWorkload('kvm', { iterations: 5, cpus: 2 });
  assert.equal(two.exits.byReason.VMCALL, undefined);
  assert.equal(two.exits.byReason.MSR_WRITE, 5 + (two.events.guestTicks ?? 0));
  assert.equal(two.tlb.flushes.byCause.shootdown, 5);
  // pvipi=off: an ICR write per destination
  const off = runWorkload('kvm:pvipi=off', { iterations: 5 });
  assert.equal(off.exits.byReason.VMCALL, undefined);
  assert.equal(off.exits.byReason.MSR_WRITE, 5 * 3 + (off.events.guestTicks ?? 0));
});
