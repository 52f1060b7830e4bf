import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainSections } from '../../reports/explain-section.ts';
import { readResultsFile } from '../../reports/results-schema.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';

const baseline = readResultsFile(new URL('../../bench/baseline.json', import.meta.url).pathname);

test('one operation of each micro workload side by side on the simulated engines; large setups left out', async () => {
  const results = { ...baseline, workloads: baseline.workloads.filter((w) => ['micro/cpuid', 'micro/cold-access', 'cpu/integer'].includes(w.id)) };
  const [section] = await explainSections(results);
  assert.equal(section.id, 'explain');
  // micro/cpuid only: cpu/integer is not a micro workload, micro/cold-access maps 64 MiB in setup (over 16 MiB)
  assert.deepEqual([...section.html.matchAll(/<summary>([^:]+):/g)].map((m) => m[1]), ['micro/cpuid']);
  // one cell per simulated engine of the results, each headed like `hvbench explain`
  for (const e of baseline.engines) assert.match(section.html, new RegExp(`micro/cpuid on ${e.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(intel-modern\\)`));
  // by hand: kvm's CPUID is one exit, the VMX round trip plus KVM's handler, and nothing else
  const p = getProfile('intel-modern');
  const kvmTotal = (p.hvm.exitRoundTrip + p.hvm.exitHandler.CPUID).toLocaleString('en-US');
  assert.match(section.html, new RegExp(`micro/cpuid on kvm \\(intel-modern\\): ${kvmTotal} cycles`));
});

test('no section when the results\' profile cannot be loaded here, or there is no micro workload', async () => {
  assert.deepEqual(await explainSections({ ...baseline, profile: '/nonexistent/profile.json' }), []);
  assert.deepEqual(await explainSections({ ...baseline, workloads: baseline.workloads.filter((w) => w.category !== 'micro') }), []);
});
