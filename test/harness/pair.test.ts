import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure } from '../../harness/pair.ts';

test('whatever a pair throws becomes one line', () => {
  assert.equal(describeFailure(new Error('model exploded\n    at somewhere')), 'model exploded');
  assert.equal(describeFailure(new TypeError('')), 'TypeError without a message');
  assert.equal(describeFailure(undefined), 'threw a non-Error value: undefined');
  assert.equal(describeFailure(null), 'threw a non-Error value: null');
  assert.equal(describeFailure('boom'), 'threw a non-Error value: "boom"');
  assert.equal(describeFailure(42), 'threw a non-Error value: 42');
  assert.equal(describeFailure({ code: 42 }), 'threw a non-Error value: an object {"code":42}');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(describeFailure(circular), 'threw a non-Error value: an unprintable object');
  assert.equal(describeFailure(Symbol('s')), 'threw a non-Error value: Symbol(s)');
  const long = describeFailure(new Error('y'.repeat(5000)));
  assert.equal(long, `${'y'.repeat(300)}…`);
});
