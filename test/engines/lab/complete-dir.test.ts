// A cache directory appears only complete, is built once, and a failed build leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCompleteDir } from '../../../engines/lab/complete-dir.ts';

test('built once: the second call finds the marker and does not build', () => {
  const parent = mkdtempSync(join(tmpdir(), 'complete-dir-'));
  const dir = join(parent, 'cache', 'entry');
  let builds = 0;
  const fill = (tmp: string) => {
    builds++;
    writeFileSync(join(tmp, 'data'), 'x');
    writeFileSync(join(tmp, 'done.json'), '{}');
  };
  buildCompleteDir(dir, 'done.json', fill);
  buildCompleteDir(dir, 'done.json', fill);
  assert.equal(builds, 1);
  assert.equal(readFileSync(join(dir, 'data'), 'utf8'), 'x');
  assert.deepEqual(readdirSync(join(parent, 'cache')), ['entry'], 'no temporary sibling left');
});

test('a build that throws leaves neither the entry nor its temporary directory', () => {
  const parent = mkdtempSync(join(tmpdir(), 'complete-dir-'));
  const dir = join(parent, 'entry');
  assert.throws(() => buildCompleteDir(dir, 'done.json', (tmp) => {
    writeFileSync(join(tmp, 'half'), 'x');
    throw new Error('download failed');
  }), /download failed/);
  assert.equal(existsSync(dir), false);
  assert.deepEqual(readdirSync(parent), []);
});
