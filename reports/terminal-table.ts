// The table printed on stdout after a run or `report`: one row per (workload, engine) with the overhead, the
// headline counters and the mechanism that costs most. ANSI colours only when asked (a TTY without NO_COLOR).
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { formatCount, formatOverhead } from './format.ts';
import { engineLabels, exitNoun, findRun, topMechanismText, workloadList } from './model.ts';
import { cyclesPerOp, formatPerOp } from './per-op.ts';
import { energyText } from './energy.ts';
import type { WorkloadInfo } from '../harness/results.ts';

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

export function renderTerminalTable(results: ResultsFile, opts: { color: boolean }): string {
  const rows: Cell[][] = [HEADERS.map((text) => ({ text, style: 'bold' as Style }))];
  const groupStarts = new Set<number>();
  for (const w of workloadList(results)) {
    const runs = engineLabels(results).map((e) => findRun(results, w.id, e)).filter((r): r is RunResult => r !== undefined);
    if (runs.length > 0) groupStarts.add(rows.length);
    runs.forEach((run, i) => rows.push(cells(results, w, run, i === 0)));
  }
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((row) => row[c].text.length)));
  const paint = (cell: Cell, c: number) => {
    const padded = RIGHT.has(c) ? cell.text.padStart(widths[c]) : cell.text.padEnd(widths[c]);
    return opts.color && cell.style && cell.text ? ANSI[cell.style] + padded + ANSI.reset : padded;
  };
  const rule = widths.map((w) => '─'.repeat(w)).join('──');
  const lines: string[] = [];
  rows.forEach((row, r) => {
    if (groupStarts.has(r)) lines.push(rule);
    lines.push(row.map(paint).join('  ').trimEnd());
  });
  return lines.join('\n') + '\n';
}
