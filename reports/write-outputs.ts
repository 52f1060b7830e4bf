// Writes every output of a results file into outDir atomically: everything is rendered into a temporary
// directory beside outDir, which replaces outDir only when all files are written. A failure leaves the previous
// outDir as it was and removes the temporary directory; so does process.exit() during the render (a Ctrl-C
// handler). A process killed outright leaves its hidden temporary directory, which the next writeOutputs to
// the same outDir removes (it is named after the dead process's pid).
import { rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ResultsFile } from '../harness/results.ts';
import { UsageError } from '../harness/errors.ts';
import { buildCharts } from './charts/index.ts';
import { renderCsv, renderPowerCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPng } from './png.ts';
import { checkSections, sectionCharts } from './sections.ts';
import type { ReportSection } from './types.ts';

export interface OutputOptions {
  html: boolean;
  png: boolean;
  extraSections?: readonly ReportSection[];
}

/** the names an output directory may hold; anything else means outDir is not ours to replace */
const OUR_NAMES = new Set(['results.json', 'results.csv', 'power.csv', 'summary.md', 'charts', 'report.html']);

/** results.json's text: 2-space JSON, newline-terminated */
export function resultsJson(results: ResultsFile): string {
  return JSON.stringify(results, null, 2) + '\n';
}

async function assertReplaceable(outDir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(outDir)).isDirectory()) throw new UsageError(`${outDir}: exists and is not a directory`);
    entries = await readdir(outDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const foreign = entries.filter((name) => !OUR_NAMES.has(name));
  if (foreign.length > 0) {
    throw new UsageError(`${outDir}: holds ${foreign.length === 1 ? `"${foreign[0]}"` : `${foreign.length} files`} that hvbench did not write; choose another --out`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** removes `.<name>.tmp-<pid>-*` directories beside target left by processes that no longer exist */
async function removeStaleTemps(target: string): Promise<void> {
  const prefix = `.${basename(target)}.tmp-`;
  for (const name of await readdir(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await rm(join(dirname(target), name), { recursive: true, force: true });
    }
  }
}

/**
 * Writes results.json, results.csv, power.csv (when there is a power section), summary.md, charts/*.png (when png) and report.html (when html) to outDir,
 * replacing a previous output directory. Returns the written paths relative to outDir, in writing order.
 */
export async function writeOutputs(results: ResultsFile, outDir: string, options: OutputOptions): Promise<string[]> {
  const target = resolve(outDir);
  const extraSections = options.extraSections ?? [];
  checkSections(extraSections);
  await assertReplaceable(target);
  await mkdir(dirname(target), { recursive: true });
  await removeStaleTemps(target);
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-${process.pid}-`));
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
    await put('results.json', resultsJson(results));
    await put('results.csv', renderCsv(results));
    if (results.power) await put('power.csv', renderPowerCsv(results.power));
    await put('summary.md', renderMarkdown(results));
    const charts = buildCharts(results);
    if (options.png) {
      await mkdir(join(temp, 'charts'));
      for (const chart of [...charts, ...extraSections.flatMap(sectionCharts)]) await put(`charts/${chart.id}.png`, renderPng(chart));
    }
    if (options.html) await put('report.html', renderHtml(results, { charts, extraSections }));
    await rm(target, { recursive: true, force: true });
    await rename(temp, target);
  } catch (e) {
    removeTemp();
    throw e;
  } finally {
    process.off('exit', removeTemp);
  }
  return written;
}
