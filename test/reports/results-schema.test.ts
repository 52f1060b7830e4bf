import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MAX_RUNS } from '../../harness/limits.ts';
import { parseResultsFile, resultsJsonSchema } from '../../reports/results-schema.ts';
import { jsonSchemaText, JSON_SCHEMA_PATH } from '../../reports/write-json-schema.ts';
import { UsageError } from '../../harness/errors.ts';
import { buildResults } from '../fixtures/results.ts';

function usageError(text: string): string {
  try {
    parseResultsFile(text, 'out/results.json');
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail('expected a UsageError');
}

test('a complete results file parses to the same object', () => {
  const results = buildResults({ measured: true, failedRun: true, hostile: true });
  assert.deepEqual(parseResultsFile(JSON.stringify(results), 'r.json'), results);
});

test('not JSON, not a results file, wrong version: one line naming the file', () => {
  assert.match(usageError('{"schema": '), /^out\/results\.json: not JSON \(/);
  assert.match(usageError('[1, 2]'), /^out\/results\.json: not an hvbench results file/);
  assert.match(usageError('{"name": "x"}'), /^out\/results\.json: not an hvbench results file/);
  const v2 = { ...buildResults(), schema: 'hvbench/results@2' };
  assert.equal(usageError(JSON.stringify(v2)), 'out/results.json: $.schema is "hvbench/results@2"; this hvbench reads "hvbench/results@1"');
});

test('an invalid field is reported with its JSON path', () => {
  const bad = JSON.parse(JSON.stringify(buildResults()));
  bad.runs[3].cycles.total = 'many';
  assert.match(usageError(JSON.stringify(bad)), /^out\/results\.json: \$\.runs\[3\]\.cycles\.total: .*expected number/);
  const missing = JSON.parse(JSON.stringify(buildResults()));
  delete missing.runs[0].exits;
  assert.match(usageError(JSON.stringify(missing)), /^out\/results\.json: \$\.runs\[0\]\.exits: /);
  const scope = JSON.parse(JSON.stringify(buildResults()));
  scope.runs[1].tlb.flushes.byScope.sideways = 1;
  assert.match(usageError(JSON.stringify(scope)), /\$\.runs\[1\]\.tlb\.flushes\.byScope: .*sideways/);
  const negative = JSON.parse(JSON.stringify(buildResults()));
  negative.runs[2].exits.byReason['odd key'] = -1;
  assert.match(usageError(JSON.stringify(negative)), /\$\.runs\[2\]\.exits\.byReason\["odd key"\]: /);
});

test('reports/results.schema.json is in sync with the zod schema (regenerate: npx tsx reports/write-json-schema.ts)', () => {
  assert.equal(readFileSync(JSON_SCHEMA_PATH, 'utf8'), jsonSchemaText());
  const schema = resultsJsonSchema() as { required: string[] };
  assert.deepEqual([...schema.required].sort(), ['createdAt', 'engines', 'host', 'profile', 'runs', 'schema', 'seed', 'tool', 'workloads']);
});

test('values no run can produce are refused on load, each naming its path', () => {
  const mutate = (change: (r: ReturnType<typeof buildResults>) => void, raw?: (text: string) => string) => {
    const r = buildResults();
    change(r);
    const text = JSON.stringify(r);
    return usageError(raw ? raw(text) : text);
  };
  const xenRun = (r: ReturnType<typeof buildResults>) => r.runs.findIndex((x) => x.engine === 'xen');
  // an engine's cycles are ≥ 0, so (engine − native) / native ≥ −1: −100 % is the floor
  let i = -1;
  assert.match(mutate((r) => { i = xenRun(r); r.runs[i].overheadPct = -1e308; }), new RegExp(`^out/results\\.json: \\$\\.runs\\[${i}\\]\\.overheadPct: .*>=-100`));
  assert.match(mutate((r) => { r.runs[xenRun(r)].overheadPct = 123456; }, (t) => t.replace('"overheadPct":123456', '"overheadPct":1e999')), /\.overheadPct: /);
  assert.match(mutate((r) => { r.seed = -3; }), /^out\/results\.json: \$\.seed: /);
  assert.match(mutate((r) => { r.seed = 1.5; }), /^out\/results\.json: \$\.seed: /);
  assert.match(mutate((r) => { r.profileHash = 'md5:abc'; }), /^out\/results\.json: \$\.profileHash: /);
});

test('a run, workload or engine listed twice is refused', () => {
  const r = buildResults();
  const twice = { ...r, runs: [...r.runs, r.runs[2]] };
  assert.equal(usageError(JSON.stringify(twice)), `out/results.json: $.runs[${r.runs.length}]: run ${r.runs[2].workload} · ${r.runs[2].engine} appears twice`);
  assert.match(usageError(JSON.stringify({ ...r, workloads: [...r.workloads, r.workloads[0]] })), /\$\.workloads\[\d+\]: workload .* appears twice$/);
  assert.match(usageError(JSON.stringify({ ...r, engines: [r.engines[1], ...r.engines] })), /\$\.engines\[\d+\]: engine .* appears twice$/);
});

test(`more than MAX_RUNS (${MAX_RUNS}) runs is refused before validating them, the limit in the message`, () => {
  const r = { ...buildResults(), runs: Array.from({ length: MAX_RUNS + 1 }, () => ({})) };
  assert.equal(usageError(JSON.stringify(r)), `out/results.json: $.runs has ${MAX_RUNS + 1} runs; a results file may have at most ${MAX_RUNS}`);
});

test('a long bad value is cut in the message', () => {
  const r = { ...buildResults(), schema: 'x'.repeat(1_000_000) };
  const message = usageError(JSON.stringify(r));
  assert.ok(message.length < 200, `${message.length} characters`);
  assert.match(message, /\$\.schema is "x+…; this hvbench reads/);
});
