import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SHOWN, clip, describeThrown, shown } from '../../harness/errors.ts';

test('clip keeps short text, flattens whitespace, and cuts long text to 80 characters ending in …', () => {
  assert.equal(clip('short'), 'short');
  assert.equal(clip('a\n b\tc'), 'a b c');
  const cut = clip('y'.repeat(10_000_000));
  assert.equal(cut.length, MAX_SHOWN);
  assert.equal(cut, 'y'.repeat(MAX_SHOWN - 1) + '…');
  assert.equal(clip('z'.repeat(MAX_SHOWN)), 'z'.repeat(MAX_SHOWN));
});

test('shown is the value as JSON, cut the same way', () => {
  assert.equal(shown('a"b'), '"a\\"b"');
  assert.equal(shown(3), '3');
  assert.equal(shown(undefined), 'undefined');
  assert.equal(shown('q'.repeat(1000)).length, MAX_SHOWN);
});

test('whatever is thrown becomes one line', () => {
  assert.equal(describeThrown(new Error('model exploded\n    at somewhere')), 'model exploded');
  assert.equal(describeThrown(new TypeError('')), 'TypeError without a message');
  assert.equal(describeThrown(undefined), 'threw a non-Error value: undefined');
  assert.equal(describeThrown(null), 'threw a non-Error value: null');
  assert.equal(describeThrown('boom'), 'threw a non-Error value: "boom"');
  assert.equal(describeThrown(42), 'threw a non-Error value: 42');
  assert.equal(describeThrown({ code: 42 }), 'threw a non-Error value: an object {"code":42}');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(describeThrown(circular), 'threw a non-Error value: an unprintable object');
  assert.equal(describeThrown(Symbol('s')), 'threw a non-Error value: Symbol(s)');
  const long = describeThrown(new Error('y'.repeat(5000)));
  assert.equal(long, `${'y'.repeat(300)}…`);
});
