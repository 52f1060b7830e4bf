import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResults } from '../../fixtures/results.ts';
import { modelCheckRows, modelCheckSections } from '../../../reports/model-check/section.ts';
import type { ResultsFile } from '../../../harness/results.ts';

function withVcpuExits(results: ResultsFile, exits: number): ResultsFile {
  for (const run of results.runs) {
    if (run.engineId === 'kvm-host') run.measured = { ...run.measured, kvmStats: { vcpu: { exits } } };
  }
  return results;
}

test('each measured exit reason is set beside the simulated kvm count of the same reason', () => {
  const results = buildResults({ measured: true });
  const sim = results.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'kvm')!;
  const rows = modelCheckRows(results);
  const cpuid = rows.find((r) => r.what === 'CPUID')!;
  assert.equal(cpuid.workload, 'micro/cpuid');
  assert.equal(cpuid.measured, 50_000);
  assert.equal(cpuid.simulated, sim.exits.byReason.CPUID ?? 0);
  assert.equal(cpuid.agrees, Math.abs(cpuid.simulated - 50_000) <= Math.max(2, 0.05 * Math.max(cpuid.simulated, 50_000)));
});

test('a reason the simulation never produces disagrees unless within two exits', () => {
  const rows = modelCheckRows(buildResults({ measured: true }));
  const intr = rows.find((r) => r.what === 'EXTERNAL_INTERRUPT')!;
  assert.equal(intr.measured, 3);
  assert.equal(intr.agrees, Math.abs(intr.measured - intr.simulated) <= 2);
});

test('the vCPU exit statistic is checked against the simulated total and flagged when far off', () => {
  const base = buildResults({ measured: true });
  const simTotal = base.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'kvm')!.exits.total;
  const close = modelCheckRows(withVcpuExits(buildResults({ measured: true }), simTotal + 1)).find((r) => r.what === 'total (KVM stats)')!;
  assert.equal(close.agrees, true);
  const far = modelCheckRows(withVcpuExits(buildResults({ measured: true }), 72)).find((r) => r.what === 'total (KVM stats)')!;
  assert.equal(far.agrees, false);
  assert.equal(far.simulated, simTotal);
});

test("KVM's exit statistic is every vCPU's: vCPU 1's exits (the IPIs it takes) add to vCPU 0's", () => {
  const results = buildResults({ measured: true });
  const simTotal = results.runs.find((r) => r.workload === 'micro/cpuid' && r.engine === 'kvm')!.exits.total;
  for (const run of results.runs) {
    // vCPU 0 took all but 40 of the simulated exits, vCPU 1 the 40: the sum is the simulated total
    if (run.engineId === 'kvm-host') run.measured = { ...run.measured, kvmStats: { vcpu: { exits: simTotal - 40 }, vcpus: [{ exits: simTotal - 40 }, { exits: 40 }] } };
  }
  const total = modelCheckRows(results).find((r) => r.workload === 'micro/cpuid' && r.what === 'total (KVM stats)')!;
  assert.equal(total.measured, simTotal);
  assert.equal(total.agrees, true);
});

test('no measured run, no section; the section escapes what it shows', () => {
  assert.deepEqual(modelCheckSections(buildResults()), []);
  const results = buildResults({ measured: true });
  for (const run of results.runs) {
    if (run.engineId === 'kvm-host') run.measured = { ...run.measured, backend: { label: '<script>x</script>' } };
  }
  const [section] = modelCheckSections(results);
  assert.equal(section.id, 'model-check');
  assert.ok(!section.html.includes('<script>'));
  assert.ok(section.html.includes('&lt;script&gt;'));
});
