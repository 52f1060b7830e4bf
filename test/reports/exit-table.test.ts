// Exit tables like `perf kvm stat report` and hypercall tables like `xenalyze --summary` (docs/architecture.md#exit-and-hypercall-tables): the rows,
// their percentages, SVM names on AMD only, Time % from the exit:* attribution, and measured statistics only
// where the results have them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitTable, hypercallTable, isAmdRun } from '../../reports/exit-table.ts';
import { SVM_EXITS, svmExit } from '../../reports/svm-names.ts';
import { exitTablesHtml } from '../../reports/html/exit-tables.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { buildResults, HOSTILE } from '../fixtures/results.ts';

const run = (results: ResultsFile, workload: string, engine: string): RunResult =>
  results.runs.find((r) => r.workload === workload && r.engine === engine)!;

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('Samples % and Time % each sum to 100 for every run with exits, and for an engine over all workloads', () => {
  const results = buildResults({ measured: true });
  const tables = results.runs.filter((r) => r.exits.total > 0).map((r) => exitTable([r], false));
  for (const engine of ['kvm', 'kvm:mmu=shadow', 'kvm-host']) tables.push(exitTable(results.runs.filter((r) => r.engine === engine), false));
  assert.ok(tables.length > 10);
  for (const t of tables) {
    near(t.rows.reduce((s, r) => s + r.samplesPct, 0), 100, 'samples %');
    assert.equal(t.rows.reduce((s, r) => s + r.samples, 0), t.total);
    if (t.timeSource !== null) near(t.rows.reduce((s, r) => s + r.timePct!, 0), 100, 'time %');
    const counts = t.rows.map((r) => r.samples);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'most frequent first');
  }
});

test('Time % comes from the cycles charged under exit:<REASON>, not from the sample counts', () => {
  const results = buildResults();
  // shadow paging on fork+exec: 32,000 EXCEPTION_NMI (64 M cycles), 12,000 INVLPG (24 M), 1,500 CR_ACCESS (3 M)
  const t = exitTable([run(results, 'memory/fork-exec', 'kvm:mmu=shadow')], false);
  assert.equal(t.timeSource, 'attribution');
  assert.deepEqual(t.rows.map((r) => r.reason), ['EXCEPTION_NMI', 'INVLPG', 'CR_ACCESS']);
  near(t.rows[0].samplesPct, (32_000 / 45_500) * 100, 'EXCEPTION_NMI samples');
  near(t.rows[0].timePct!, (64 / 91) * 100, 'EXCEPTION_NMI time');
  near(t.rows[2].timePct!, (3 / 91) * 100, 'CR_ACCESS time');
  // the whole engine: sums of counts and of exit:* cycles over every workload
  const all = exitTable(results.runs.filter((r) => r.engine === 'kvm'), false);
  const ept = all.rows.find((r) => r.reason === 'EPT_VIOLATION')!;
  assert.equal(ept.samples, 2_560 + 262_144);
  const exitCycles = results.runs.filter((r) => r.engine === 'kvm')
    .flatMap((r) => Object.entries(r.attribution)).filter(([m]) => m.startsWith('exit:')).reduce((s, [, c]) => s + c, 0);
  near(ept.timePct!, ((7_680_000 + 786_000_000) / exitCycles) * 100, 'EPT_VIOLATION time over all workloads');
});

test('a measured run: counts always, latency statistics only where the results have them, no invented Time %', () => {
  const results = buildResults({ measured: true });
  const t = exitTable([run(results, 'micro/cpuid', 'kvm-host')], false);
  assert.equal(t.timeSource, null, 'no exit:* cycles, and EXTERNAL_INTERRUPT has no latency');
  assert.deepEqual(t.rows.map((r) => [r.reason, r.samples, r.timePct]), [['CPUID', 50_000, null], ['EXTERNAL_INTERRUPT', 3, null]]);
  assert.equal(t.rows[0].latency?.p95, 1_710);
  assert.equal(t.rows[1].latency, null);
  assert.equal(t.latencyUnit, 'TSC cycles');

  const html = exitTablesHtml(results, [run(results, 'micro/cpuid', 'kvm-host')]);
  for (const head of ['Min', 'Max', 'Avg', '± RSE', 'p5', 'p50', 'p95']) assert.ok(html.includes(`<th class="num">${head}</th>`), head);
  assert.match(html, /<td class="num">1,420<\/td><td class="num">± 0\.40 %<\/td>/);
  assert.ok(html.includes('Time %: not known for this run'));

  // every reason with an average: time = samples × average
  const r = structuredClone(run(results, 'micro/cpuid', 'kvm-host'));
  (r.measured!.exitLatency as { byReason: Record<string, object> }).byReason.EXTERNAL_INTERRUPT = { avg: 2_000 };
  const timed = exitTable([r], false);
  assert.equal(timed.timeSource, 'latency');
  near(timed.rows[1].timePct!, (3 * 2_000) / (50_000 * 1_420 + 3 * 2_000) * 100, 'EXTERNAL_INTERRUPT time');

  // no latency block, or a malformed one: counts only, no latency columns
  for (const exitLatency of [undefined, { unit: 'ns', byReason: { CPUID: { avg: 'fast' } } }]) {
    const bare = structuredClone(run(results, 'micro/cpuid', 'kvm-host'));
    bare.measured = { ...bare.measured, exitLatency };
    const plain = exitTable([bare], false);
    assert.equal(plain.latencyUnit, null);
    assert.ok(plain.rows.every((row) => row.latency === null && row.timePct === null));
    assert.ok(!exitTablesHtml(results, [bare]).includes('<th class="num">Min</th>'));
  }
  // statistics of different runs are not combined
  assert.equal(exitTable(results.runs.filter((x) => x.engine === 'kvm-host'), false).rows[0].latency?.p95, 1_710);
  assert.equal(exitTable([run(results, 'micro/cpuid', 'kvm-host'), run(results, 'micro/cpuid', 'kvm-host')], false).latencyUnit, null);
});

test('SVM names beside the VMX names on AMD profiles only', () => {
  const intel = buildResults({ measured: true });
  const amd = buildResults({ measured: true, profile: 'amd-modern', measuredBackend: 'kvm_amd' });
  const kvmIntel = run(intel, 'io/disk-read', 'kvm');
  const kvmAmd = run(amd, 'io/disk-read', 'kvm');
  assert.equal(isAmdRun(intel, kvmIntel), false);
  assert.equal(isAmdRun(amd, kvmAmd), true);
  assert.ok(exitTable([kvmIntel], isAmdRun(intel, kvmIntel)).rows.every((r) => r.svm === null));
  assert.deepEqual(exitTable([kvmAmd], true).rows.map((r) => [r.reason, r.svm?.name]), [['EXTERNAL_INTERRUPT', 'intr'], ['EPT_MISCONFIG', 'npf']]);

  const htmlIntel = exitTablesHtml(intel, intel.runs.filter((r) => r.workload === 'io/disk-read'));
  const htmlAmd = exitTablesHtml(amd, amd.runs.filter((r) => r.workload === 'io/disk-read'));
  assert.ok(!htmlIntel.includes('SVM exit') && !htmlIntel.includes('VMEXIT_'));
  assert.ok(htmlAmd.includes('<th>SVM exit</th>') && htmlAmd.includes('VMEXIT_IOIO 0x7B') && htmlAmd.includes('VMEXIT_NPF 0x400'));

  const mdIntel = renderMarkdown(intel);
  const mdAmd = renderMarkdown(amd);
  assert.ok(!mdIntel.includes('SVM exit'));
  assert.match(mdAmd, /\| EPT\\_VIOLATION \| npf \| 264,704 \|/);
  assert.match(mdAmd, /\| IO\\_INSTRUCTION \| io \| 1,024 \|/);

  // a measured run follows its backend, not the profile
  assert.equal(isAmdRun(intel, run(intel, 'micro/cpuid', 'kvm-host')), false);
  assert.equal(isAmdRun(buildResults({ measured: true, measuredBackend: 'kvm_amd' }), run(intel, 'micro/cpuid', 'kvm-host')), false);
  const amdHostIntelProfile = buildResults({ measured: true, measuredBackend: 'kvm_amd' });
  assert.equal(isAmdRun(amdHostIntelProfile, run(amdHostIntelProfile, 'micro/cpuid', 'kvm-host')), true);
  assert.equal(isAmdRun(amdHostIntelProfile, run(amdHostIntelProfile, 'micro/cpuid', 'kvm')), false);
});

test('the SVM table covers the VMX reasons docs/architecture.md lists, as it maps them', () => {
  const design = ['EXCEPTION_NMI', 'EXTERNAL_INTERRUPT', 'INTERRUPT_WINDOW', 'CPUID', 'HLT', 'INVLPG', 'VMCALL', 'CR_ACCESS', 'IO_INSTRUCTION',
    'MSR_READ', 'MSR_WRITE', 'PAUSE_INSTRUCTION', 'APIC_ACCESS', 'APIC_WRITE', 'EOI_INDUCED', 'EPT_VIOLATION', 'EPT_MISCONFIG', 'XSETBV'];
  for (const reason of design) assert.ok(svmExit(reason), reason);
  assert.equal(svmExit('PREEMPTION_TIMER'), null, 'no SVM counterpart');
  assert.equal(svmExit('toString'), null);
  const expected = { CPUID: 'cpuid', HLT: 'hlt', IO_INSTRUCTION: 'io', MSR_READ: 'msr', MSR_WRITE: 'msr', VMCALL: 'vmmcall', EPT_VIOLATION: 'npf', EPT_MISCONFIG: 'npf', EXTERNAL_INTERRUPT: 'intr' };
  for (const [vmx, svm] of Object.entries(expected)) assert.equal(SVM_EXITS[vmx].name, svm, vmx);
});

test('hypercalls by op with their share, most frequent first; every engine label escaped', () => {
  const results = buildResults({ hostile: true });
  const t = hypercallTable([run(results, 'memory/fork-exec', 'xen')]);
  assert.deepEqual(t.rows.map((r) => r.op), ['iret', 'update_va_mapping', 'mmu_update', 'multicall', 'mmuext_op']);
  assert.equal(t.total, 203_000);
  near(t.rows.reduce((s, r) => s + r.sharePct, 0), 100, 'share');
  near(t.rows[0].sharePct, (128_000 / 203_000) * 100, 'iret share');
  const html = exitTablesHtml(results, results.runs.filter((r) => r.workload === 'memory/fork-exec'));
  assert.ok(html.includes('<h5>Hypercalls: xen</h5>') && html.includes('<code>update_va_mapping</code>'));
  assert.ok(html.includes('VM exits: kvm:mmu=&lt;i&gt;shadow&lt;/i&gt;') && !html.includes('<i>'));
  assert.ok(!renderMarkdown(results).includes(HOSTILE));
  // nothing to show: no details element
  assert.equal(exitTablesHtml(results, [run(results, 'cpu/compute', 'native')]), '');
});

test('a paravirtual engine\'s traps (xenalyze names in exits.byReason) are titled traps, with no SVM column', () => {
  const results = buildResults({ profile: 'amd-modern' });
  const xen = structuredClone(run(results, 'micro/cpuid', 'xen'));
  xen.exits = { total: 50_001, byReason: { forced_invalid_op: 50_000, page_fault: 1 } };
  const t = exitTable([xen], true);
  assert.deepEqual([t.traps, t.svmColumn, t.timeSource], [true, false, null]);
  const html = exitTablesHtml(results, [xen]);
  assert.ok(html.includes('<h5>Traps into the hypervisor (xenalyze names): xen</h5>') && !html.includes('SVM exit'));
  assert.equal(exitTable([run(results, 'micro/cpuid', 'kvm')], true).traps, false);
});
