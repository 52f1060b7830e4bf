// The timing block (host wall-clock cost of a run) in report.html and summary.md: labelled as not model
// output, noisy runs (rme > 10 %) flagged and only those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNoisy, NOISY_RME, timingSummary, unrepresentativeTimings } from '../../reports/timing.ts';
import { timingSection } from '../../reports/html/timing-table.ts';
import { renderMarkdown, timingLine } from '../../reports/markdown.ts';
import type { TimingStats } from '../../harness/results.ts';
import { buildResults } from '../fixtures/results.ts';

const stats = (rme: number): TimingStats => ({ meanMs: 1, p75Ms: 1, p99Ms: 1, rme, samples: 10, samplesMs: [] });

test('noisy means a relative margin of error above 10 %, not at it', () => {
  assert.equal(NOISY_RME, 10);
  assert.equal(isNoisy(stats(9.9)), false);
  assert.equal(isNoisy(stats(10)), false);
  assert.equal(isNoisy(stats(10.01)), true);
});

test('summary: runs with timing, the slowest, the noisy ones; failed runs have none', () => {
  const s = timingSummary(buildResults({ failedRun: true, noisyTiming: true }));
  assert.equal(s.runs, 23);
  assert.equal(s.slowest!.run.workload, 'io/disk-read');
  assert.deepEqual(s.noisy.map((n) => `${n.run.workload} ${n.run.engine}`), ['micro/syscall kvm']);
});

test('summary.md: one line, labelled host wall-clock, warns only when a run is noisy', () => {
  const quiet = renderMarkdown(buildResults());
  const lines = quiet.split('\n').filter((l) => l.startsWith('Simulation cost'));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^Simulation cost \(host wall-clock, not model output\): 24 runs, [\d.]+ ms in all \(sum of means\); slowest io\/disk-read on kvm:mmu=shadow 10\.61 ms ± 2\.25 %; every mean within ±10 %\.$/);
  assert.ok(!quiet.includes('noisy'));
  assert.match(timingLine(buildResults({ noisyTiming: true })), /; ⚠ 1 noisy \(rme > 10 %\): micro\/syscall on kvm ± 14\.20 %\.$/);
  const none = buildResults();
  none.runs = none.runs.map((r) => ({ ...r, timing: null }));
  assert.equal(timingLine(none), 'Simulation cost (host wall-clock, not model output): no timings.');
});

test('report.html section: every timed run with mean ± rme, p75, p99, samples; the noisy one marked', () => {
  const results = buildResults({ noisyTiming: true, failedRun: true });
  const html = timingSection(results);
  assert.ok(html.includes('<b>Host wall-clock, not model output.</b>'));
  assert.ok(html.includes('1 of 23 runs are noisy'));
  const rows = html.split('\n').filter((l) => l.startsWith('<tr data-engine='));
  assert.equal(rows.length, 23, 'the failed run has no timing row');
  const syscallKvm = rows.filter((r) => r.includes('micro/syscall') && r.includes('>kvm<'));
  assert.equal(syscallKvm.length, 1);
  assert.match(syscallKvm[0], /<td class="num" data-sort="14.2"><span class="noisy"[^>]*>± 14\.2 % noisy<\/span><\/td>/);
  assert.equal(rows.filter((r) => r.includes('noisy')).length, 1);
  const cpuNative = rows.find((r) => r.includes('cpu/compute') && r.includes('>native<'))!;
  const t = results.runs[0].timing!;
  for (const cell of [`${t.meanMs.toFixed(3)} ms`, `± ${t.rme.toFixed(1)} %`, `${t.p75Ms.toFixed(3)} ms`, `${t.p99Ms.toFixed(3)} ms`, `>${t.samples}<`]) {
    assert.ok(cpuNative.includes(cell), cell);
  }
  assert.ok(timingSection(buildResults()).includes('Every mean is known to within ±10 %'));
});

test('when every run is noisy, one sentence says so instead of a list', () => {
  const results = buildResults();
  results.runs = results.runs.map((r) => (r.timing ? { ...r, timing: { ...r.timing, rme: 35 } } : r));
  assert.match(timingLine(results), /; ⚠ all 24 noisy \(rme > 10 %\): compare counters, not these timings\.$/);
  assert.ok(timingSection(results).includes('All 24 runs are noisy'));
});

test('runs that say their timings are not representative are named once per engine with their note', () => {
  const file = buildResults();
  const timing = stats(1);
  const base = file.runs[0];
  file.runs = [
    { ...base, workload: 'micro/cpuid', engine: 'xen-qemu', timing, measured: { timingsRepresentative: false, timingsNote: 'TCG' } },
    { ...base, workload: 'micro/rdtsc', engine: 'xen-qemu', timing, measured: { timingsRepresentative: false, timingsNote: 'TCG' } },
    // untimed (--no-timing): nothing to label
    { ...base, workload: 'micro/cpuid', engine: 'kvm-qemu', timing: null, measured: { timingsRepresentative: false, timingsNote: 'TCG' } },
    { ...base, workload: 'micro/cpuid', engine: 'kvm-host', timing, measured: { timingsRepresentative: true } },
  ];
  assert.deepEqual(unrepresentativeTimings(file), [{ engine: 'xen-qemu', note: 'TCG' }]);
});
