// Writes every output of a results file into outDir atomically: everything is rendered into a temporary
// directory beside outDir, which replaces outDir only when all files are written (reports/swap-dir.ts: the
// old directory is renamed aside, the new one renamed in, then the old one deleted). A failure leaves the
// previous outDir as it was and removes the temporary directory; so does process.exit() during the render (a
// Ctrl-C handler). A process killed outright leaves hidden sibling directories named after its pid, which the
// next checkOutputDir on the same outDir recovers from (reports/swap-dir.ts recoverDir).
import { rmSync } from 'node:fs';
import { access, chmod, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ResultsFile } from '../harness/results.ts';
import { UsageError } from '../harness/errors.ts';
import { buildCharts } from './charts/index.ts';
import { renderCsv, renderLongCsv, renderPowerCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPng } from './png.ts';
import { checkSections, sectionCharts } from './sections.ts';
import { makeTempDir, recoverDir, replaceDir } from './swap-dir.ts';
import type { ReportSection } from './types.ts';

export interface OutputOptions {
  html: boolean;
  png: boolean;
  extraSections?: readonly ReportSection[];
  /** also write results-long.csv (reports/csv.ts renderLongCsv) */
  longCsv?: boolean;
  /** outDir's charts/ are these results' (a results file re-rendered where it lies): without png they are
   *  carried over into the new directory instead of dropped */
  keepCharts?: boolean;
  /** aborted (Ctrl-C) before outDir is replaced: throw its reason, leaving outDir as it was */
  signal?: AbortSignal;
}

/** the names an output directory may hold; anything else means outDir is not ours to replace */
const OUR_NAMES = new Set(['results.json', 'results.csv', 'results-long.csv', 'power.csv', 'summary.md', 'charts', 'report.html']);

/** results.json's text: 2-space JSON, newline-terminated */
export function resultsJson(results: ResultsFile): string {
  return JSON.stringify(results, null, 2) + '\n';
}

/** the nearest existing ancestor of `path` (itself excluded), with what it is */
async function existingParent(path: string): Promise<{ dir: string; isDirectory: boolean }> {
  let dir = dirname(path);
  for (;;) {
    try {
      return { dir, isDirectory: (await stat(dir)).isDirectory() };
    } catch (e) {
      // ENOTDIR: an ancestor is a file; walking up finds it and names it
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(dir) === dir) throw e;
      dir = dirname(dir);
    }
  }
}

/** the two renames of a swap happen in the parent: it (or the ancestor it will be created in) must be a writable directory */
async function assertParentWritable(outDir: string): Promise<string> {
  const { dir: parent, isDirectory } = await existingParent(outDir);
  if (!isDirectory) throw new UsageError(`--out ${outDir}: ${parent} is not a directory`);
  try {
    await access(parent, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(`--out ${outDir}: cannot write in ${parent} (${(e as NodeJS.ErrnoException).code})`);
  }
  return parent;
}

/**
 * Everything that would make writing outDir fail, checked before any work: it is a directory (not a file, not
 * a symbolic link) holding only what hvbench writes, or a new path whose parent is (or can be created as) a
 * writable directory. Recovers first from a swap a killed process left half done.
 */
export async function checkOutputDir(outDir: string): Promise<void> {
  const target = resolve(outDir);
  // the swap's leftovers can only exist when the parent does
  if ((await assertParentWritable(target)) === dirname(target)) await recoverDir(target);
  let entries: string[];
  try {
    const stats = await lstat(target);
    if (stats.isSymbolicLink()) throw new UsageError(`--out ${outDir}: is a symbolic link; give the directory itself`);
    if (!stats.isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a directory`);
    entries = await readdir(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const foreign = entries.filter((name) => !OUR_NAMES.has(name));
  if (foreign.length > 0) {
    throw new UsageError(`${outDir}: holds ${foreign.length === 1 ? `"${foreign[0]}"` : `${foreign.length} files`} that hvbench did not write; choose another --out`);
  }
}

/** adds one file to the directory being written (name relative to it; its folder must exist) */
export type PutFile = (name: string, data: string | Buffer) => Promise<void>;

/**
 * Writes a whole output directory atomically: `fill` puts its files into a temporary directory beside outDir
 * (`dir`, where it may make folders), which then replaces outDir; on any failure outDir stays as it was. Returns the
 * written paths relative to outDir, in writing order.
 */
export async function writeDirAtomically(outDir: string, fill: (put: PutFile, dir: string) => Promise<void>, signal?: AbortSignal): Promise<string[]> {
  const target = resolve(outDir);
  await checkOutputDir(target);
  await mkdir(dirname(target), { recursive: true });
  const temp = await makeTempDir(target);
  const removeTemp = () => rmSync(temp, { recursive: true, force: true });
  process.on('exit', removeTemp);
  const written: string[] = [];
  /** mkdtemp makes it private; the output directory is an ordinary one */
  await chmod(temp, 0o755);
  const put = async (name: string, data: string | Buffer) => {
    await writeFile(join(temp, name), data);
    written.push(name);
  };
  try {
    await fill(put, temp);
    signal?.throwIfAborted();
    await replaceDir(temp, target);
  } catch (e) {
    removeTemp();
    throw e;
  } finally {
    process.off('exit', removeTemp);
  }
  return written;
}

/** the PNGs of `outDir`/charts put into the directory being written (none if it has no charts/) */
async function carryCharts(outDir: string, dir: string, put: PutFile): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(join(outDir, 'charts'))).filter((n) => n.endsWith('.png'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await mkdir(join(dir, 'charts'));
  for (const name of names.sort()) await put(`charts/${name}`, await readFile(join(outDir, 'charts', name)));
}

/**
 * Writes results.json, results.csv, power.csv (when there is a power section), summary.md, charts/*.png (when png) and report.html (when html) to outDir,
 * replacing a previous output directory. Returns the written paths relative to outDir, in writing order.
 */
export async function writeOutputs(results: ResultsFile, outDir: string, options: OutputOptions): Promise<string[]> {
  const extraSections = options.extraSections ?? [];
  checkSections(extraSections);
  return writeDirAtomically(outDir, async (put, dir) => {
    await put('results.json', resultsJson(results));
    await put('results.csv', renderCsv(results));
    if (options.longCsv) await put('results-long.csv', renderLongCsv(results));
    if (results.power) await put('power.csv', renderPowerCsv(results.power));
    await put('summary.md', renderMarkdown(results));
    const charts = buildCharts(results);
    if (!options.png && options.keepCharts) await carryCharts(resolve(outDir), dir, put);
    if (options.png) {
      await mkdir(join(dir, 'charts'));
      for (const chart of [...charts, ...extraSections.flatMap(sectionCharts)]) if (chart.omitted === undefined) await put(`charts/${chart.id}.png`, renderPng(chart));
    }
    if (options.html) await put('report.html', renderHtml(results, { charts, extraSections }));
  }, options.signal);
}
