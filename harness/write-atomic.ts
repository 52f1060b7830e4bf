// Write a file so that readers never see half of it: write a temporary file beside it, then rename over
// the target (rename is atomic within one file system, POSIX rename(2)). The temporary file is removed
// if writing fails.
//
// Only a regular file or a new path is ever replaced. rename(2) replaces whatever directory entry has the
// target's name — a symbolic link, a FIFO, a socket, a device node such as /dev/null — without looking at
// it, so the target is checked with lstat(2) (which does not follow a link) before anything is written.
import { lstat, rm, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.ts';

/** what a non-regular directory entry is, for the refusal */
function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** throws a one-line UsageError unless `path` is absent or a regular file (checked without following links) */
export async function assertReplaceableFile(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR' || code === 'EACCES') throw new UsageError(`cannot write ${path}: ${code}`);
    throw error;
  }
  if (!stats.isFile()) throw new UsageError(`cannot write ${path}: it is ${kindOf(stats)}; hvbench replaces only regular files`);
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await assertReplaceableFile(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    // 'wx': never open something already at the temporary name (a planted link would be followed)
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EEXIST: the temporary name was someone else's; leave it
    if (code !== 'EEXIST') await rm(temp, { force: true });
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EROFS' || code === 'EEXIST') {
      throw new UsageError(`cannot write ${path}: ${code}`);
    }
    throw error;
  }
}
