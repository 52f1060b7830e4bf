// The sortable tables of report.html, one row per run: click a header to sort by it (numbers numerically).
// `sortableRunsTable` is the one mechanism; `runsTable` (every counter) and the simulation-cost table
// (reports/html/timing-table.ts) are its column sets.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead } from '../format.ts';
import { engineLabels, exitNoun, findRun, topMechanismText, workloadList } from '../model.ts';
import { cyclesPerOp } from '../per-op.ts';
import { engineBadge } from './fragments.ts';

export interface Column {
  title: string;
  numeric: boolean;
  /** escaped HTML of the cell and its sort key ('' sorts last) */
  cell(run: RunResult, results: ResultsFile): { html: string; sort: string };
}

export const count = (title: string, pick: (r: RunResult) => number): Column => ({
  title, numeric: true, cell: (r) => (r.error ? { html: '', sort: '' } : { html: formatCount(pick(r)), sort: String(pick(r)) }),
});

export const WORKLOAD_COLUMN: Column = { title: 'Workload', numeric: false, cell: (r) => ({ html: `<a href="#${h(workloadAnchor(r.workload))}">${h(r.workload)}</a>`, sort: r.workload }) };
export const ENGINE_COLUMN: Column = { title: 'Engine', numeric: false, cell: (r) => ({ html: h(r.engine) + engineBadge(r.mode), sort: r.engine }) };

const COLUMNS: Column[] = [
  WORKLOAD_COLUMN,
  { title: 'Category', numeric: false, cell: (r) => ({ html: h(r.category), sort: r.category }) },
  ENGINE_COLUMN,
  {
    title: 'Overhead', numeric: true,
    cell: (r) => (r.error ? { html: `<span class="failed">failed: ${h(r.error)}</span>`, sort: '' } : { html: h(formatOverhead(r.overheadPct)), sort: r.overheadPct === null ? '' : String(r.overheadPct) }),
  },
  count('Cycles', (r) => r.cycles.total),
  {
    title: 'Cycles per op', numeric: true,
    cell: (r, results) => {
      const w = results.workloads.find((x) => x.id === r.workload);
      const cycles = cyclesPerOp(w, r);
      return cycles === null ? { html: '', sort: '' } : { html: `${formatCount(cycles)} <span class="muted">/${h(w!.perOp!.unit)}</span>`, sort: String(cycles) };
    },
  },
  {
    // Xen's traps into the hypervisor are not VM exits: the cell says which it counts
    title: 'VM exits / traps', numeric: true,
    cell: (r, results) => (r.error ? { html: '', sort: '' } : { html: `${formatCount(r.exits.total)} <span class="muted">${exitNoun(results, r.engine)}</span>`, sort: String(r.exits.total) }),
  },
  count('Hypercalls', (r) => r.hypercalls.total),
  count('TLB flushes', (r) => r.tlb.flushes.total),
  count('TLB misses', (r) => r.tlb.misses),
  count('Walk refs', (r) => r.tlb.walkRefs),
  {
    title: 'Top mechanism', numeric: false,
    cell: (r) => {
      const top = topMechanismText(r);
      return top ? { html: h(top), sort: top } : { html: '', sort: '' };
    },
  },
];

/** an HTML id from any text: `prefix` + the text with every character outside [A-Za-z0-9-] as _hex */
export function anchor(prefix: string, text: string): string {
  return prefix + text.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

export function workloadAnchor(id: string): string {
  return anchor('w-', id);
}

export function runsTable(results: ResultsFile): string {
  return sortableRunsTable(results, 'runs-table', COLUMNS);
}

/** a `table.sortable` with one row per run (workloads, then engines) and the given columns */
export function sortableRunsTable(results: ResultsFile, id: string, columns: readonly Column[], include: (run: RunResult) => boolean = () => true): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num" data-type="number"' : ''}><button type="button">${h(c.title)}</button></th>`).join('');
  const rows: string[] = [];
  for (const w of workloadList(results)) {
    for (const engine of engineLabels(results)) {
      const run = findRun(results, w.id, engine);
      if (!run || !include(run)) continue;
      const cells = columns.map((c) => {
        const { html, sort } = c.cell(run, results);
        return `<td${c.numeric ? ' class="num"' : ''} data-sort="${h(sort)}">${html}</td>`;
      });
      rows.push(`<tr data-engine="${h(run.engine)}">${cells.join('')}</tr>`);
    }
  }
  return `<table class="sortable" id="${h(id)}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
