import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCode, inBand, judge } from '../../../harness/validate/judge.ts';
import type { CaseResult, ValidationCase } from '../../../harness/validate/types.ts';

const base: ValidationCase = {
  id: 't/case',
  group: 'g',
  title: 't',
  source: { citation: 'c', where: 'w', machine: 'm' },
  published: 10,
  publishedText: '10',
  unit: 'x',
  band: { lo: 8, hi: 12, reason: 'r' },
  profile: 'intel-modern',
};

test('inBand: edges are inside, NaN and infinities of the value are outside, open ends take anything', () => {
  assert.equal(inBand(8, 8, 12), true);
  assert.equal(inBand(12, 8, 12), true);
  assert.equal(inBand(12.01, 8, 12), false);
  assert.equal(inBand(7.99, 8, 12), false);
  assert.equal(inBand(Number.NaN, 8, 12), false);
  assert.equal(inBand(-1e9, -Infinity, 100), true);
  assert.equal(inBand(1e9, 0, Infinity), true);
  // a ratio computed as 24.000000000000004 is still the architectural 24
  assert.equal(inBand(24.000000000000004, 24, 24), true);
});

test('judge: pass, outside, known-outside, stale listing, no number, errors', () => {
  assert.equal(judge(base, 9, undefined).status, 'pass');
  assert.equal(judge(base, 13, undefined).status, 'outside');
  const known = judge(base, 13, 'model lacks X');
  assert.equal(known.status, 'known-outside');
  assert.equal(known.note, 'model lacks X');
  assert.equal(judge(base, 9, 'model lacks X').status, 'unexpected-pass');
  assert.equal(judge({ ...base, published: null, band: null, missing: 'not found' }, 5, undefined).status, 'no-number');
  assert.equal(judge(base, null, undefined, 'unknown option').status, 'error');
  const listedError = judge(base, null, 'model lacks 32-bit PV', 'unknown option "arch"');
  assert.equal(listedError.status, 'known-outside');
  assert.match(listedError.note ?? '', /model lacks 32-bit PV.*unknown option "arch"/);
});

test('exitCode: 1 only for an unlisted case outside its band or an unlisted error', () => {
  const r = (status: CaseResult['status']): CaseResult => ({ id: status, value: 1, status });
  assert.equal(exitCode([r('pass'), r('known-outside'), r('no-number'), r('unexpected-pass')]), 0);
  assert.equal(exitCode([r('pass'), r('outside')]), 1);
  assert.equal(exitCode([r('error')]), 1);
});
