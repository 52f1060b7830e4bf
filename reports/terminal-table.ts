// The table printed on stdout after a run or `report`: one row per (workload, engine) with the overhead, the
// headline counters and the mechanism that costs most. ANSI colours only when asked (a TTY without NO_COLOR).
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { formatCount, formatOverhead } from './format.ts';
import { engineLabels, exitNoun, findRun, topMechanismText, workloadList } from './model.ts';
import { cyclesPerOp, formatPerOp } from './per-op.ts';
import { energyText } from './energy.ts';
import type { WorkloadInfo } from '../harness/results.ts';
import { abbreviate, truncate, wrap } from './terminal-width.ts';

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m' };
type Style = keyof typeof ANSI | null;

/** colours for a stream: a TTY, NO_COLOR unset, TERM not `dumb` */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

interface Cell {
  text: string;
  style: Style;
}

const HEADERS = ['Workload', 'Engine', 'Overhead', 'Cycles', 'Per op', 'Exits / traps', 'Hypercalls', 'TLB flushes', 'TLB misses', 'Energy at P0', 'Top mechanism'];
const RIGHT = new Set([2, 3, 4, 5, 6, 7, 8, 9]);

function overheadStyle(pct: number | null): Style {
  if (pct === null) return 'dim';
  return pct < 10 ? 'green' : pct < 100 ? 'yellow' : 'red';
}

/** `1,776 cyc/cpuid` when the workload names what its measured phase repeats */
function perOpCell(results: ResultsFile, workload: WorkloadInfo, run: RunResult): string {
  const cycles = cyclesPerOp(workload, run);
  return cycles === null ? '' : `${formatPerOp(results, cycles)} cyc/${workload.perOp!.unit}`;
}

function cells(results: ResultsFile, workload: WorkloadInfo, run: RunResult, first: boolean): Cell[] {
  const engine = run.mode === 'measured' ? `${run.engine} (measured)` : run.engine;
  if (run.error) {
    return [{ text: first ? run.workload : '', style: 'bold' }, { text: engine, style: null }, { text: 'failed', style: 'red' },
      { text: '', style: null }, { text: '', style: null }, { text: '', style: null }, { text: '', style: null }, { text: '', style: null },
      { text: '', style: null }, { text: '', style: null }, { text: run.error.replace(/\s+/g, ' '), style: 'red' }];
  }
  const top = topMechanismText(run);
  return [
    { text: first ? run.workload : '', style: 'bold' },
    { text: engine, style: null },
    { text: formatOverhead(run.overheadPct), style: overheadStyle(run.overheadPct) },
    { text: formatCount(run.cycles.total), style: null },
    { text: perOpCell(results, workload, run), style: null },
    { text: `${formatCount(run.exits.total)} ${exitNoun(results, run.engine)}`, style: null },
    { text: formatCount(run.hypercalls.total), style: null },
    { text: formatCount(run.tlb.flushes.total), style: null },
    { text: formatCount(run.tlb.misses), style: null },
    { text: energyText(run), style: null },
    { text: top ?? '', style: 'dim' },
  ];
}

/** columns left out first when the table does not fit, least telling first; the rest are always shown */
const DROP_ORDER = ['Energy at P0', 'TLB misses', 'TLB flushes', 'Per op', 'Hypercalls', 'Exits / traps', 'Cycles', 'Top mechanism'];
/** columns cut with an ellipsis rather than dropped, and the narrowest each may become: first the top mechanism
 *  (its first words name it) and engine labels (a legend below the table gives them whole), before any column is
 *  dropped; then, once only the essential columns are left, workload ids and engine labels further */
const SOFT: readonly (readonly [string, number])[] = [['Top mechanism', 14], ['Engine', 14]];
const HARD: readonly (readonly [string, number])[] = [['Workload', 12], ['Engine', 8]];
/** narrower than this the essential columns cannot be told apart; a narrower request gets this width */
export const MIN_WIDTH = 40;
const GAP = 2;
const ENGINE = HEADERS.indexOf('Engine');

interface Layout {
  shown: number[];
  widths: number[];
}

/** which columns fit in `width` and how wide each is: drop the least telling columns until the rest fit with
 *  their shrinkable columns at their narrowest, then give shrinkable columns back as much as fits */
function layout(natural: number[], width: number): Layout {
  const minOf = (c: number) => Math.min(natural[c], ...SOFT.filter(([h]) => h === HEADERS[c]).map(([, w]) => w));
  const total = (cols: number[], w: (c: number) => number) => cols.reduce((sum, c) => sum + w(c), 0) + GAP * (cols.length - 1);
  let shown = HEADERS.map((_, c) => c);
  for (const name of DROP_ORDER) {
    if (total(shown, minOf) <= width) break;
    shown = shown.filter((c) => HEADERS[c] !== name);
  }
  const widths = [...natural];
  for (const [name, min] of [...SOFT, ...HARD]) {
    const c = HEADERS.indexOf(name);
    const excess = total(shown, (k) => widths[k]) - width;
    if (excess > 0 && shown.includes(c)) widths[c] = Math.max(Math.min(widths[c], min), widths[c] - excess);
  }
  return { shown, widths };
}

export interface TableOptions {
  color: boolean;
  /** characters per line (at least MIN_WIDTH); no line of the table, its legend or its notes is wider
   *  (terminal-width.ts); unset, every column at its full width */
  width?: number;
}

export function renderTerminalTable(results: ResultsFile, opts: TableOptions): string {
  const width = Math.max(MIN_WIDTH, opts.width ?? Infinity);
  const rows: Cell[][] = [HEADERS.map((text) => ({ text, style: 'bold' as Style }))];
  const groupStarts = new Set<number>();
  for (const w of workloadList(results)) {
    const runs = engineLabels(results).map((e) => findRun(results, w.id, e)).filter((r): r is RunResult => r !== undefined);
    if (runs.length > 0) groupStarts.add(rows.length);
    runs.forEach((run, i) => rows.push(cells(results, w, run, i === 0)));
  }
  const natural = HEADERS.map((_, c) => Math.max(...rows.map((row) => [...row[c].text].length)));
  const { shown, widths } = layout(natural, width);
  const engines = abbreviate([...new Set(rows.slice(1).map((row) => row[ENGINE].text))], widths[ENGINE]);
  const fit = (cell: Cell, c: number) => (c === ENGINE && cell.style !== 'bold' ? engines.get(cell.text)! : truncate(cell.text, widths[c]));
  const paint = (cell: Cell, c: number) => {
    const text = fit(cell, c);
    const pad = ' '.repeat(Math.max(0, widths[c] - [...text].length));
    const padded = RIGHT.has(c) ? pad + text : text + pad;
    return opts.color && cell.style && text ? ANSI[cell.style] + padded + ANSI.reset : padded;
  };
  const rule = shown.map((c) => '─'.repeat(widths[c])).join('─'.repeat(GAP));
  const lines: string[] = [];
  rows.forEach((row, r) => {
    if (groupStarts.has(r)) lines.push(rule);
    lines.push(shown.map((c) => paint(row[c], c)).join(' '.repeat(GAP)).trimEnd());
  });
  const notes: string[] = [];
  const cut = [...engines].filter(([label, short]) => label !== short);
  if (cut.length > 0) notes.push(`Engines: ${cut.map(([label, short]) => `${short} = ${label}`).join('; ')}`);
  const dropped = HEADERS.filter((_, c) => !shown.includes(c));
  if (dropped.length > 0) notes.push(`Not shown at ${width} columns: ${dropped.join(', ')} (in summary.md and results.csv)`);
  for (const note of notes) lines.push(...(Number.isFinite(width) ? wrap(note, width) : [note]));
  return lines.join('\n') + '\n';
}
