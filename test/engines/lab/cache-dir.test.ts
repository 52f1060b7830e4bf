import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labCacheDir } from '../../../engines/lab/cache-dir.ts';

test('the cache lives under $XDG_CACHE_HOME when it is absolute, else ~/.cache', () => {
  assert.equal(labCacheDir({ XDG_CACHE_HOME: '/var/cache/me', HOME: '/home/u' }), '/var/cache/me/hvbench');
  assert.equal(labCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }), '/home/u/.cache/hvbench');
  assert.equal(labCacheDir({ HOME: '/home/u' }), '/home/u/.cache/hvbench');
});
