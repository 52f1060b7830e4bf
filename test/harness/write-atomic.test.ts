import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../harness/write-atomic.ts';
import { UsageError } from '../../harness/errors.ts';

test('replaces the target whole and leaves no temporary file beside it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hvbench-atomic-'));
  const target = join(dir, 'out.json');
  await writeFile(target, 'old');
  await writeFileAtomic(target, '{"new":true}');
  assert.equal(await readFile(target, 'utf8'), '{"new":true}');
  assert.deepEqual(await readdir(dir), ['out.json']);
});

test('a missing directory is a one-line usage error naming the file, and writes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hvbench-atomic-'));
  const target = join(dir, 'missing', 'out.json');
  await assert.rejects(writeFileAtomic(target, 'x'), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, `cannot write ${target}: ENOENT`);
    return true;
  });
  assert.deepEqual(await readdir(dir), []);
});
