import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExplainText } from '../../../harness/validate/explain-text.ts';
import type { ValidationCase } from '../../../harness/validate/types.ts';

const c = {
  id: 'x/case', title: 'A case', unit: 'cycles/iteration',
} as ValidationCase;

test('the ranking in order, the constants that change nothing counted, not listed', () => {
  const text = renderExplainText(c, 135, [
    { path: 'hvm.b', base: 100, minus: 115, plus: 155, effect: 20 / 135 },
    { path: 'native.a', base: 10, minus: 129, plus: 141, effect: 6 / 135 },
    { path: 'pv.unused', base: 7, minus: 135, plus: 135, effect: 0 },
  ]);
  const lines = text.split('\n');
  assert.equal(lines[0], 'x/case: A case');
  assert.match(lines[1], /^model value 135\.0 cycles\/iteration/);
  const b = lines.findIndex((l) => l.trim().startsWith('hvm.b'));
  const a = lines.findIndex((l) => l.trim().startsWith('native.a'));
  assert.ok(b > 0 && a > b);
  assert.match(lines[b], /100\.0 +115\.0 +155\.0 +14\.8 %$/);
  assert.ok(!text.includes('pv.unused'));
  assert.match(text, /1 of 3 constants do not change the value/);
  assert.ok(!text.includes('no cost moves it'));
});

test('a value no cost moves by 0.1 % says what it follows from instead', () => {
  const text = renderExplainText(c, 61.85, [{ path: 'power.transitionLatencyUs', base: 10, minus: 61.84, plus: 61.85, effect: 0.0001 }]);
  assert.match(text, /no cost moves it by 0\.1 % or more: it follows from what is not a cost/);
});
