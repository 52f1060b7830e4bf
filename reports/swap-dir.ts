// Replacing an output directory by a fully written one so that, at every instant, either the complete old
// directory or the complete new one exists under a name we can find. POSIX rename(2) is atomic for one
// directory entry but cannot exchange two non-empty directories (Linux renameat2(RENAME_EXCHANGE) can, but
// Node does not expose it), so the swap is three steps:
//   1. rename the old directory aside, to `.<name>.old-<pid>-<random>` beside it;
//   2. rename the new one (written in `.<name>.tmp-<pid>-<random>`) to `<name>`;
//   3. delete the aside copy.
// A process killed between 1 and 2 leaves no `<name>` but a complete aside copy; `recoverDir` — run before
// every write and before a suite starts — puts it back. Killed after 2, the aside copy (or the rest of it) is
// deleted by recoverDir. Temporary directories of dead processes are deleted; those of live ones are left.
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP = 'tmp';
const ASIDE = 'old';

/** the hidden sibling names of `target`: `.<name>.<kind>-` (then `<pid>-<random>`) */
function prefix(target: string, kind: string): string {
  return `.${basename(target)}.${kind}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** the hidden siblings of `target` of one kind left by processes that no longer exist, newest first */
async function deadSiblings(target: string, kind: string): Promise<string[]> {
  const start = prefix(target, kind);
  const found: { path: string; mtime: number }[] = [];
  for (const name of await readdir(dirname(target))) {
    if (!name.startsWith(start)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(start.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    const path = join(dirname(target), name);
    found.push({ path, mtime: (await stat(path)).mtimeMs });
  }
  return found.sort((a, b) => b.mtime - a.mtime).map((f) => f.path);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Finishes or undoes a swap a killed process left behind: when `target` is missing and an aside copy
 * exists, the newest aside copy becomes `target` again; every other aside copy and temporary directory of a
 * dead process is deleted. The parent directory must exist.
 */
export async function recoverDir(target: string): Promise<void> {
  const aside = await deadSiblings(target, ASIDE);
  if (aside.length > 0 && !(await exists(target))) await rename(aside.shift()!, target);
  for (const path of [...aside, ...(await deadSiblings(target, TEMP))]) await rm(path, { recursive: true, force: true });
}

/** a new, private, empty temporary directory beside `target` for its replacement */
export function makeTempDir(target: string): Promise<string> {
  return mkdtemp(join(dirname(target), `${prefix(target, TEMP)}${process.pid}-`));
}

/**
 * Replaces `target` (if it exists) by the complete directory `temp`, a sibling made by makeTempDir.
 * `afterStep(n)` is called after step n (1 aside, 2 in place, 3 old deleted): tests use it to kill the
 * process at each point.
 */
export async function replaceDir(temp: string, target: string, afterStep: (step: number) => void = () => {}): Promise<void> {
  let aside: string | null = null;
  if (await exists(target)) {
    // mkdtemp reserves a unique name; rename(2) may replace an empty directory, so the old one moves onto it
    aside = await mkdtemp(join(dirname(target), `${prefix(target, ASIDE)}${process.pid}-`));
    await rename(target, aside);
  }
  afterStep(1);
  try {
    await rename(temp, target);
  } catch (e) {
    // put the old directory back rather than leave nothing under `target`
    if (aside !== null) await rename(aside, target);
    throw e;
  }
  afterStep(2);
  if (aside !== null) await rm(aside, { recursive: true, force: true });
  afterStep(3);
}
