import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SHOWN, clip, shown } from '../../harness/errors.ts';

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
