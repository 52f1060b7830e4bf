// A cache entry that appears only complete: built in a temporary sibling, then renamed into place (rename is
// atomic within a file system). When another process published the same entry meanwhile, theirs is as good
// as ours and ours is dropped.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** builds `dir` by `fill(tmp)` unless it exists; `marker` is the file whose presence says it is complete */
export function buildCompleteDir(dir: string, marker: string, fill: (tmp: string) => void): void {
  if (existsSync(join(dir, marker))) return;
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(dir), `.build-${basename(dir)}-`));
  try {
    fill(tmp);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!existsSync(join(dir, marker))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
