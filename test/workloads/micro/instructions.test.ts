import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import type { GuestOp } from '../../../engines/types.ts';
import { defaultParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { MSR_TSC_DEADLINE } from '../../../engines/native/native-platform.ts';
import { run } from '../../engines/guest/run-engine.ts';

/** what a PV domU cannot do: port I/O (no I/O privilege), device MMIO (no device model), TSC_DEADLINE (no
 *  local APIC) — each one a bounced exception on xen, nothing the workload meant to measure */
function pvCannot(op: GuestOp): boolean {
  return op.op === 'pio' || op.op === 'mmio' || (op.op === 'msr' && op.write && op.index === MSR_TSC_DEADLINE);
}

test('every built-in workload made of what a PV domU cannot do declares it, and its description says so (shown by list and the report)', () => {
  const flagged: string[] = [];
  for (const w of builtinWorkloads()) {
    const ops = [...w.generate(defaultParams(w), new Rng(1))];
    if (!ops.some(pvCannot)) continue;
    flagged.push(w.id);
    assert.ok(w.notMeaningfulOnPv, w.id);
    assert.ok(w.description.endsWith(` Not meaningful on xen (PV): ${w.notMeaningfulOnPv}`), w.id);
  }
  for (const w of builtinWorkloads()) if (w.notMeaningfulOnPv) assert.ok(flagged.includes(w.id), `${w.id} declares what its ops do not do`);
  // pio-kernel, pio-user, pio-string, mmio and tsc-deadline: the five micro cases built on such an instruction
  assert.deepEqual(flagged.sort(), ['micro/mmio', 'micro/pio-kernel', 'micro/pio-string', 'micro/pio-user', 'micro/tsc-deadline']);
});

test('micro/pio-kernel on xen: each of the count INs is one bounced #GP, never an emulated port', () => {
  const w = builtinWorkloads().find((x) => x.id === 'micro/pio-kernel')!;
  const r = run('xen', [...w.generate({ count: 25 }, new Rng(1))]);
  // 25 INs → 25 general_protection traps and 25 iret hypercalls back from the guest's #GP handler
  assert.equal(r.exits.byReason.general_protection, 25);
  assert.equal(r.hypercalls.byOp.iret, 25);
  assert.equal(r.exits.byReason['emulate privop'], undefined);
});

test('micro/ipi on kvm: an IPI to one other vCPU is an x2APIC ICR write, PV send-IPI or not', () => {
  const w = builtinWorkloads().find((x) => x.id === 'micro/ipi')!;
  const ops = [...w.generate({ ...defaultParams(w), count: 20 }, new Rng(1))];
  // 20 IPIs: Linux's PV send-IPI leaves apic->send_IPI alone, so each is one ICR write (MSR_WRITE), and the
  // halted target's next HLT; no KVM_HC_SEND_IPI
  for (const engine of ['kvm', 'kvm:pvipi=off']) {
    const r = run(engine, ops, 'intel-modern', 1);
    assert.equal(r.exits.byReason.VMCALL, undefined, engine);
    assert.equal(r.exits.byReason.MSR_WRITE, 20 + (r.events.guestTicks ?? 0), engine);
    assert.equal(r.exits.byReason.HLT, 20, engine);
  }
  // xen: one EVTCHNOP_send per IPI (xen_send_IPI_one); xen:mode=hvm the same through its HVM smp_ops
  assert.equal(run('xen', ops, 'intel-modern', 1).hypercalls.byOp.event_channel_op, 20);
  assert.equal(run('xen:mode=hvm', ops, 'intel-modern', 1).hypercalls.byOp.event_channel_op, 20);
});
