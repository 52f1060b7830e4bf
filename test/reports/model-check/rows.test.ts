// The model check's rows for kvm-qemu: L1's exits less the boot baseline against the simulated run's setup
// plus measured phase, skipped operations excluded, and known causes attached to differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResults } from '../../fixtures/results.ts';
import { modelCheck } from '../../../reports/model-check/rows.ts';
import type { ResultsFile, RunResult } from '../../../harness/results.ts';

/** the fixture's micro/cpuid kvm-host run relabelled as kvm-qemu, with L1 counts */
function withL1(l1: { byReason: Record<string, number>; baseline: Record<string, number> }, skipped: Record<string, number> = {}): { results: ResultsFile; sim: RunResult } {
  const results = buildResults({ measured: true });
  results.runs = results.runs.filter((r) => r.workload === 'micro/cpuid' && (r.engineId === 'kvm' || r.engineId === 'kvm-host' || r.engineId === 'native'));
  const run = results.runs.find((r) => r.engineId === 'kvm-host')!;
  Object.assign(run, { engineId: 'kvm-qemu', engine: 'kvm-qemu' });
  run.measured = { backend: { label: 'kvm_amd (SVM) in L1' }, timingsRepresentative: false, timingsNote: 'TCG', l1Exits: l1, skipped: { total: 0, byOp: skipped } };
  const sim = results.runs.find((r) => r.engine === 'kvm')!;
  sim.exits.byReason = { CPUID: 1000 };
  sim.setup = { ...sim, exits: { ...sim.exits, byReason: { EPT_VIOLATION: 1 } } };
  return { results, sim };
}

test('L1 counts less the baseline meet the simulated setup + measured counts; interrupts are explained', () => {
  const { results } = withL1({
    byReason: { CPUID: 1030, EPT_VIOLATION: 9, MSR_WRITE: 1, EXTERNAL_INTERRUPT: 50 },
    baseline: { EPT_VIOLATION: 8, MSR_WRITE: 1, EXTERNAL_INTERRUPT: 1 },
  });
  const check = modelCheck(results);
  const by = Object.fromEntries(check.rows.map((r) => [r.what, r]));
  // CPUID: 1,030 measured vs 1,000 simulated: 30 apart, within 5 % of 1,030 (51.5)
  assert.deepEqual([by.CPUID.simulated, by.CPUID.measured, by.CPUID.agrees], [1000, 1030, true]);
  // EPT_VIOLATION: 9 − 8 = 1 against the simulated setup's 1
  assert.deepEqual([by.EPT_VIOLATION.simulated, by.EPT_VIOLATION.measured, by.EPT_VIOLATION.agrees], [1, 1, true]);
  // MSR_WRITE: 1 − 1 = 0 on both sides: no row
  assert.equal(by.MSR_WRITE, undefined);
  // EXTERNAL_INTERRUPT: 50 − 1 = 49 against 0: differs, with the wall-clock reason (timings not representative)
  assert.equal(by.EXTERNAL_INTERRUPT.agrees, false);
  assert.match(by.EXTERNAL_INTERRUPT.why ?? '', /wall-clock/);
  // total: 1,001 simulated vs 1,030 + 1 + 49 = 1,080: 79 apart > 5 % of 1,080 (54); without interrupts
  // 1,001 vs 1,031 agree, so the total carries that reason
  assert.deepEqual([by.total.simulated, by.total.measured, by.total.agrees], [1001, 1080, false]);
  assert.match(by.total.why ?? '', /agrees without EXTERNAL_INTERRUPT/);
  assert.deepEqual(check.engines, [{ engine: 'kvm-qemu', backend: 'kvm_amd (SVM) in L1', timingsNote: 'TCG', cpuNote: null }]);
});

test('an unexplained difference has no reason; a workload with skipped ops is listed, not compared', () => {
  const far = modelCheck(withL1({ byReason: { CPUID: 1000, EPT_VIOLATION: 500 }, baseline: {} }).results);
  const npf = far.rows.find((r) => r.what === 'EPT_VIOLATION')!;
  assert.deepEqual([npf.agrees, npf.why], [false, null]);
  // one unexplained reason leaves the total unexplained
  assert.equal(far.rows.find((r) => r.what === 'total')!.why, null);
  const skipped = modelCheck(withL1({ byReason: { CPUID: 1000 }, baseline: {} }, { ipi: 2 }).results);
  assert.deepEqual(skipped.rows, []);
  assert.deepEqual(skipped.excluded, [{ workload: 'micro/cpuid', engine: 'kvm-qemu', skipped: { ipi: 2 } }]);
});

test("the freestanding guest's missing tick is stated; its virtio notifies and HLTs meet the model's with no reason needed", () => {
  // the guest's 80 single-request records: 80 notifies to the ioeventfd (reserved-bit NPFs) and 80 HLTs until the MSI
  const counts = { byReason: { CPUID: 1000, EPT_VIOLATION: 1, EPT_MISCONFIG: 80, HLT: 80 }, baseline: {} };
  const freestanding = withL1(counts);
  // the model's guest: 46 ticks (a deadline write and a preemption-timer exit each), 80 virtio requests each
  // an MMIO doorbell and a HLT until the completion interrupt
  freestanding.sim.exits.byReason = { CPUID: 1000, MSR_WRITE: 46, PREEMPTION_TIMER: 46, EPT_MISCONFIG: 80, HLT: 80 };
  (freestanding.results.runs.find((r) => r.engineId === 'kvm-qemu')!.measured as Record<string, unknown>).io = 'virtio';
  const by = Object.fromEntries(modelCheck(freestanding.results).rows.map((r) => [r.what, r]));
  for (const reason of ['MSR_WRITE', 'PREEMPTION_TIMER']) {
    assert.deepEqual([by[reason].simulated, by[reason].measured], [46, 0]);
    assert.match(by[reason].why ?? '', /no periodic tick/);
  }
  for (const reason of ['EPT_MISCONFIG', 'HLT']) assert.deepEqual([by[reason].simulated, by[reason].measured, by[reason].agrees, by[reason].why], [80, 80, true, null]);
  // CPUID 1,000 on both sides agrees and needs no reason
  assert.deepEqual([by.CPUID.agrees, by.CPUID.why], [true, null]);
  // total: 1,000 + 46 + 46 + 80 + 80 + the setup's EPT violation 1 = 1,253 simulated vs 1,000 + 1 + 80 + 80 =
  // 1,161 measured; without MSR_WRITE and PREEMPTION_TIMER (each with its cause) 1,161 vs 1,161: the total
  // differs by exactly those rows
  assert.deepEqual([by.total.simulated, by.total.measured], [1253, 1161]);
  assert.equal(by.total.why, 'agrees without MSR_WRITE, PREEMPTION_TIMER (each differs for the cause given on its row)');

  const linux = withL1(counts);
  linux.sim.exits.byReason = { CPUID: 1000, MSR_WRITE: 46 };
  const run = linux.results.runs.find((r) => r.engineId === 'kvm-qemu')!;
  run.options = { ...run.options, guest: 'linux' };
  const msr = modelCheck(linux.results).rows.find((r) => r.what === 'MSR_WRITE')!;
  assert.deepEqual([msr.agrees, msr.why], [false, null]);
});

test("a guest CPU without PCID (QEMU 7.2's TCG emulates none) is named, with the profile to compare on", () => {
  const cpuNote = (profile: string, guest: Record<string, boolean>) => {
    const { results } = withL1({ byReason: { CPUID: 1000 }, baseline: {} });
    results.profile = profile;
    const run = results.runs.find((r) => r.engineId === 'kvm-qemu')!;
    run.measured = { ...run.measured, guest };
    return modelCheck(results).engines[0].cpuNote;
  };
  // intel-modern has PCIDs: its switches keep their TLB entries where the measured guest's flush
  assert.match(cpuNote('intel-modern', { pcid: false, invpcid: false }) ?? '', /no PCID and no INVPCID.*profile intel-modern has PCIDs.*--profile amd-modern/);
  // amd-modern has none either: the same flushes on both sides
  assert.equal(cpuNote('amd-modern', { pcid: false, invpcid: false }), "the guest's CPU has no PCID and no INVPCID, so each CR3 write flushes the non-global TLB, as on profile amd-modern");
  // a CPU with PCID, or a report from before the guest read CPUID, says nothing
  assert.equal(cpuNote('intel-modern', { pcid: true, invpcid: true }), null);
  assert.equal(cpuNote('intel-modern', {}), null);
});

test("a virtio run's total is explained by its HLT and interrupt-window rows when it agrees without them, and only then", () => {
  const virtio = (byReason: Record<string, number>, simulated: Record<string, number>, virtioHalts: number, virtioIrqs: number) => {
    const { results, sim } = withL1({ byReason, baseline: {} });
    sim.exits.byReason = simulated; // plus the setup's 1 EPT_VIOLATION (withL1)
    const run = results.runs.find((r) => r.engineId === 'kvm-qemu')!;
    Object.assign(run.measured!, { io: 'virtio', opCosts: { io: { ops: 1 } }, guest: { virtioHalts }, devices: { virtioIrqs, virtioIrqsSuppressed: 0 } });
    return Object.fromEntries(modelCheck(results).rows.map((r) => [r.what, r]));
  };
  // io/disk-random's shape: 5,000 one-request batches, 4,999 reserved-bit notifies + the first notify's NPF that
  // installs KVM's MMIO entry, 382 HLTs and 40 completions held in an interrupt window; the model notifies and
  // halts for all 5,000
  const random = virtio({ EPT_MISCONFIG: 4999, EPT_VIOLATION: 1, HLT: 382, INTERRUPT_WINDOW: 40 }, { EPT_MISCONFIG: 5000, HLT: 5000 }, 382, 5000);
  // HLT 5,000 vs 382 and INTERRUPT_WINDOW 0 vs 40 differ, each with its reason
  assert.match(random.HLT.why ?? '', /halted for 382 of 5,000/);
  assert.match(random.INTERRUPT_WINDOW.why ?? '', /interrupt window/);
  // total: 5,000 + 5,000 + 1 = 10,001 vs 4,999 + 1 + 382 + 40 = 5,422; without HLT and INTERRUPT_WINDOW
  // 5,001 vs 5,000, one apart: the total differs by those two rows
  assert.deepEqual([random.total.simulated, random.total.measured, random.total.agrees], [10001, 5422, false]);
  assert.equal(random.total.why, 'agrees without HLT, INTERRUPT_WINDOW (each differs for the cause given on its row)');

  // io/disk-seq's shape with ring pages faulting one by one: EPT_VIOLATION 18 vs the model's 8 + setup's 1 = 9
  // has no reason; the total 32 + 9 + 32 = 73 vs 32 + 18 + 10 = 60 differs (13 apart, beyond 5 % of 73 = 3.65),
  // and leaving out HLT (10 of 32 batches halted) still leaves 41 vs 50 (9 apart, beyond 2 and 5 % of 50 = 2.5):
  // the total stays unexplained
  const seq = virtio({ EPT_MISCONFIG: 32, EPT_VIOLATION: 18, HLT: 10 }, { EPT_MISCONFIG: 32, EPT_VIOLATION: 8, HLT: 32 }, 10, 32);
  assert.deepEqual([seq.EPT_VIOLATION.simulated, seq.EPT_VIOLATION.measured, seq.EPT_VIOLATION.why], [9, 18, null]);
  assert.deepEqual([seq.total.simulated, seq.total.measured, seq.total.agrees, seq.total.why], [73, 60, false, null]);
});

test('phase by phase: the measured phase less the baseline run\'s end, setup less both boots', () => {
  const { results, sim } = withL1({ byReason: {}, baseline: {} });
  // the simulated run: 1,000 CPUIDs measured; setup is the model's boot (its empty-stream exits) and 4 page
  // faults of the workload's setup; the model's boot is whatever kvm counts for an empty stream, so setup is
  // set to that plus 4 EPT_VIOLATIONs
  sim.exits.byReason = { CPUID: 1000 };
  const run = results.runs.find((r) => r.engineId === 'kvm-qemu')!;
  const l1 = run.measured!.l1Exits as Record<string, unknown>;
  // L1: after the phase op 1,000 CPUIDs and the run's end (the control port write: 1 IO_INSTRUCTION), which
  // the baseline's own end has too; before it the boot (8 EPT_VIOLATIONs, as the baseline's) and 4 more
  Object.assign(l1, {
    measuredByReason: { CPUID: 1000, IO_INSTRUCTION: 1 },
    setupByReason: { EPT_VIOLATION: 12 },
    baselineByPhase: { setupByReason: { EPT_VIOLATION: 8 }, measuredByReason: { IO_INSTRUCTION: 1 } },
  });
  const check = modelCheck(results);
  const measured = Object.fromEntries(check.rows.filter((r) => r.phase === 'measured').map((r) => [r.what, r]));
  assert.deepEqual([measured.CPUID.simulated, measured.CPUID.measured, measured.CPUID.agrees], [1000, 1000, true]);
  // the run's end is the baseline's: nothing left on either side
  assert.equal(measured.IO_INSTRUCTION, undefined);
  const setup = check.rows.filter((r) => r.phase === 'setup');
  const npf = setup.find((r) => r.what === 'EPT_VIOLATION')!;
  // measured setup: 12 − 8 = 4; simulated setup: the fixture's 1 EPT_VIOLATION less the model's boot
  assert.equal(npf.measured, 4);
  assert.equal(check.rows.some((r) => r.phase === 'whole run'), false);
});

test('a total that agrees without its rows that have causes names them; random-4k-4k\'s nested faults are the VMM\'s huge pages', () => {
  const { results, sim } = withL1({ byReason: {}, baseline: {} });
  sim.workload = 'memory/random-4k-4k';
  const run = results.runs.find((r) => r.engineId === 'kvm-qemu')!;
  run.workload = 'memory/random-4k-4k';
  // 512 MiB over 4 KiB host pages: 131,072 nested faults in the model; over the VMM's 2 MiB THPs 256
  sim.exits.byReason = { EPT_VIOLATION: 131072 };
  Object.assign(run.measured!.l1Exits as object, { measuredByReason: { EPT_VIOLATION: 256 }, setupByReason: {}, baselineByPhase: { setupByReason: {}, measuredByReason: {} } });
  const rows = modelCheck(results).rows.filter((r) => r.phase === 'measured');
  assert.match(rows.find((r) => r.what === 'EPT_VIOLATION')!.why ?? '', /MADV_HUGEPAGE/);
  // the total is that one row (131,072 vs 256): without it 0 vs 0, so the total differs by that row alone
  assert.equal(rows.find((r) => r.what === 'total')!.why, 'agrees without EPT_VIOLATION (each differs for the cause given on its row)');
});
