import { test } from 'node:test';
import assert from 'node:assert/strict';
import { powerSections } from '../../../reports/power/section.ts';
import { runPowerSuite } from '../../../engines/power/index.ts';
import { powerWorkloads } from '../../../workloads/power/index.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { RESULTS_SCHEMA, type ResultsFile } from '../../../harness/results.ts';
import { UsageError } from '../../../harness/errors.ts';

/** `power` may be malformed on purpose: powerSections validates what it is given */
function resultsWith(power: unknown): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hvbench', version: '0.0.0' },
    createdAt: '2025-01-01T00:00:00.000Z',
    host: { platform: 'linux', arch: 'x64', cpus: 1, cpuModel: 'test', node: 'v20' },
    profile: 'intel-modern',
    seed: 1,
    engines: [],
    workloads: [],
    runs: [],
    power: power as ResultsFile['power'],
  };
}

const hostile = powerWorkloads.map((s, i) => (i === 0 ? { ...s, title: '<img src=x onerror=alert(1)>', description: '"&\'<b>' } : s));
// two seeds and two sampling phases, not the suite's 5 and 4: the section renders an interval and a phase
// verdict from any two, and what these tests check (charts, rows, points, escaping) is per run, not per seed
const power = runPowerSuite({ profile: getProfile('intel-modern'), seed: 5, seeds: 2, phases: 2, scenarios: hostile });

test('one power section with the frequency, delivered-vs-entitled and energy-vs-fairness charts', () => {
  const [section, ...rest] = powerSections(resultsWith(power));
  assert.equal(rest.length, 0);
  assert.equal(section.id, 'power');
  assert.deepEqual(section.charts.map((c) => c.type), ['line', 'line', 'line', 'line', 'bar', 'bar', 'scatter']);
  // one row per run in the summary table
  assert.equal(section.html.split('<tr>').length - 2, power.runs.length);
});

test('every string from the results is escaped', () => {
  const [section] = powerSections(resultsWith(power));
  assert.ok(!section.html.includes('<img'));
  assert.ok(section.html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(section.html.includes('&quot;&amp;&#39;&lt;b&gt;'));
});

test('no power section without power results; a malformed one is a usage error naming the field', () => {
  assert.deepEqual(powerSections(resultsWith(undefined)), []);
  assert.throws(() => powerSections(resultsWith({ ...power, runs: [{ scenario: 1 }] })), (e: unknown) => e instanceof UsageError && /power\.runs\.0/.test(e.message));
});

test('the zoom panel draws CPU 0 step by step; the scatter marks the design by shape and names scenario and engine per point', () => {
  const [section] = powerSections(resultsWith(power));
  const zoom = section.charts[2] as unknown as { data: { labels: string[]; datasets: { data: number[]; stepped: boolean }[] } };
  // 200 one-millisecond steps from 1 s into the 10 s hagimont-capped run
  assert.equal(zoom.data.labels.length, 200);
  assert.equal(zoom.data.labels[0], '1000');
  for (const d of zoom.data.datasets) {
    assert.equal(d.data.length, 200);
    assert.ok(d.stepped);
  }
  const scatter = section.charts[6] as unknown as { data: { datasets: { label: string; pointStyle: string; data: unknown[]; hvbenchTooltips: string[] }[] } };
  for (const d of scatter.data.datasets) {
    const design = d.label.endsWith('(xen)') ? 'xen' : 'kvm';
    assert.equal(d.pointStyle, design === 'xen' ? 'circle' : 'triangle');
    assert.equal(d.hvbenchTooltips.length, d.data.length);
    for (const t of d.hvbenchTooltips) assert.match(t, new RegExp(`^[a-z-]+ on ${design}: `));
  }
  // every run is one point
  assert.equal(scatter.data.datasets.reduce((n, d) => n + d.data.length, 0), power.runs.length);
});

test('a profile without a C-state table is labelled "no C-state data"; one with a table lists it', () => {
  const [intel] = powerSections(resultsWith(power));
  assert.ok(intel.html.includes('C-states C1 / C1E / C6'));
  assert.ok(!intel.html.includes('no C-state data'));
  for (const id of ['amd-modern', 'core2-2007']) {
    const other = runPowerSuite({ profile: getProfile(id), seed: 5, seeds: 1, phases: 1, scenarios: powerWorkloads.slice(0, 1) });
    assert.deepEqual(other.cStates, []);
    const [section] = powerSections(resultsWith(other));
    assert.ok(section.html.includes('no C-state data'), id);
  }
});
