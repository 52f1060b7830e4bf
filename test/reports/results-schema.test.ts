import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
