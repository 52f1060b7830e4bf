import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertReplaceableFile, writeFileAtomic } from '../../harness/write-atomic.ts';
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

test('a FIFO is refused in one line and stays a FIFO; nothing is written beside it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hvbench-atomic-'));
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(writeFileAtomic(fifo, 'x'), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, `cannot write ${fifo}: it is a FIFO; hvbench replaces only regular files`);
    return true;
  });
  assert.ok((await lstat(fifo)).isFIFO());
  assert.deepEqual(await readdir(dir), ['pipe']);
});

test('a symbolic link is refused, not followed: the link and the file it names are unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hvbench-atomic-'));
  await writeFile(join(dir, 'precious'), 'precious');
  await symlink('precious', join(dir, 'link'));
  await assert.rejects(writeFileAtomic(join(dir, 'link'), 'x'), /it is a symbolic link/);
  assert.ok((await lstat(join(dir, 'link'))).isSymbolicLink());
  assert.equal(await readFile(join(dir, 'precious'), 'utf8'), 'precious');
  assert.deepEqual((await readdir(dir)).sort(), ['link', 'precious']);
});

test('/dev/null is refused and is still a character device', async () => {
  await assert.rejects(assertReplaceableFile('/dev/null'), /^UsageError: cannot write \/dev\/null: it is a character device/);
  await assert.rejects(writeFileAtomic('/dev/null', 'x'), /it is a character device/);
  assert.ok((await lstat('/dev/null')).isCharacterDevice());
});

test('a directory at the target is refused as such', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hvbench-atomic-'));
  await assert.rejects(writeFileAtomic(dir, 'x'), /it is a directory/);
});
