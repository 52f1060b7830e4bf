import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShard, shardSlice } from '../../harness/shard.ts';
import { UsageError } from '../../harness/errors.ts';

test('--shard i/n is 1-based, i at most n', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  for (const bad of ['0/2', '3/2', '1/0', '2', '1/2/3', 'a/b', '-1/2', '1.5/2']) {
    assert.throws(() => parseShard(bad), (e: unknown) => e instanceof UsageError && /^--shard: expected i\/n/.test(e.message), bad);
  }
});

test('the shards are contiguous blocks that cover every item once, in order', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  // by hand: cuts at floor(k·5/2) = 0, 2, 5
  assert.deepEqual(shardSlice(items, { index: 1, count: 2 }), ['a', 'b']);
  assert.deepEqual(shardSlice(items, { index: 2, count: 2 }), ['c', 'd', 'e']);
  // more shards than items: cuts at floor(k·3/5) = 0, 0, 1, 1, 2, 3 — two shards run nothing
  const three = ['x', 'y', 'z'];
  assert.deepEqual([1, 2, 3, 4, 5].map((index) => shardSlice(three, { index, count: 5 })), [[], ['x'], [], ['y'], ['z']]);
  for (let count = 1; count <= 7; count++) {
    const joined = Array.from({ length: count }, (_, i) => shardSlice(items, { index: i + 1, count })).flat();
    assert.deepEqual(joined, items, `${count} shards`);
  }
});
