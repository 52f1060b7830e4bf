// `hvbench report --history DIR`: every file named results.json under DIR (at any depth, symbolic links not
// followed), read and checked as `report` reads one (a bad file is one line naming it, exit 2), in the order
// they were written: by the hvbench version that wrote each (numerically, 0.10 after 0.9), then its creation
// time, then its path.
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../../harness/errors.ts';
import { MAX_HISTORY_FILES } from '../../harness/limits.ts';
import { readResultsFile } from '../results-schema.ts';
import type { NamedResults } from '../side-by-side/model.ts';

const RESULTS_NAME = 'results.json';

/** `0.10.2` → [0, 10, 2]; anything after the numbers (a pre-release) compares as text */
function versionParts(version: string): number[] {
  return (version.match(/\d+/g) ?? []).map(Number);
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** the results.json paths under dir, sorted by path */
function findResults(dir: string): string[] {
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (e) {
    throw new UsageError(`--history ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : `cannot read (${(e as NodeJS.ErrnoException).code})`}`);
  }
  if (!stats.isDirectory()) throw new UsageError(`--history ${dir}: not a directory`);
  const found: string[] = [];
  const walk = (at: string) => {
    for (const d of readdirSync(at, { withFileTypes: true })) {
      if (d.isDirectory()) walk(join(at, d.name));
      else if (d.isFile() && d.name === RESULTS_NAME) found.push(join(at, d.name));
    }
  };
  walk(dir);
  found.sort();
  if (found.length === 0) throw new UsageError(`--history ${dir}: no ${RESULTS_NAME} under it`);
  if (found.length > MAX_HISTORY_FILES) throw new UsageError(`--history ${dir}: ${found.length} results files, more than the ${MAX_HISTORY_FILES} a history reads`);
  return found;
}

/** every results file under dir, oldest first, each named by its path relative to dir */
export function readHistory(dir: string): NamedResults[] {
  const files = findResults(dir).map((path) => ({ name: relative(dir, path), results: readResultsFile(path) }));
  return files.sort((a, b) => compareVersions(a.results.tool.version, b.results.tool.version) ||
    (a.results.createdAt < b.results.createdAt ? -1 : a.results.createdAt > b.results.createdAt ? 1 : 0) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
