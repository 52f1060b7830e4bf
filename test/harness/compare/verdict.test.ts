import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../../harness/compare/compare.ts';
import { verdict } from '../../../harness/compare/verdict.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findRun } from './helpers.ts';

const compare = (head = buildResults(), base = buildResults()) =>
  compareResults(base, head, { baseName: 'base.json', headName: 'head.json', selection: { rules: null, defaultThresholdPct: 5 }, force: false });

test('no difference: exit 0 under every --fail-on', () => {
  for (const failOn of ['regression', 'any-change', 'never'] as const) assert.equal(verdict(compare(), failOn).exitCode, 0);
  assert.match(verdict(compare(), 'regression').line, /^✅ no regression: \d+ metrics across 24 runs within threshold$/);
});

test('a regression: exit 1, except with --fail-on never; the line names the worst row', () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm').exits.total = 55_000;
  const c = compare(head);
  const v = verdict(c, 'regression');
  assert.equal(v.exitCode, 1);
  assert.equal(v.line, '❌ 1 regression in 1 run (worst: micro/cpuid · kvm exits.total +10.0 %)');
  assert.equal(verdict(c, 'any-change').exitCode, 1);
  assert.equal(verdict(c, 'never').exitCode, 0);
  assert.match(verdict(c, 'never').line, / — --fail-on never: passing$/);
});

test('a change within threshold fails only --fail-on any-change', () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm').exits.total = 50_100;
  const c = compare(head);
  assert.equal(verdict(c, 'regression').exitCode, 0);
  assert.equal(verdict(c, 'regression').line, '⚠️ no regression; 1 change within threshold or improving');
  assert.equal(verdict(c, 'any-change').exitCode, 1);
});

test('added or removed runs count as a change, not a regression', () => {
  const head = buildResults();
  head.runs = head.runs.slice(1);
  const c = compare(head);
  assert.equal(verdict(c, 'regression').exitCode, 0);
  assert.match(verdict(c, 'regression').line, /1 run removed/);
  assert.equal(verdict(c, 'any-change').exitCode, 1);
});
