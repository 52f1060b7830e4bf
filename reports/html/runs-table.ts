// The sortable table of every run in report.html: click a header to sort by it (numbers numerically).
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead, formatShare } from '../format.ts';
import { engineLabels, findRun, topMechanisms, workloadList } from '../model.ts';
import { engineBadge } from './fragments.ts';

interface Column {
  title: string;
  numeric: boolean;
  /** escaped HTML of the cell and its sort key ('' sorts last) */
  cell(run: RunResult): { html: string; sort: string };
}

const count = (title: string, pick: (r: RunResult) => number): Column => ({
  title, numeric: true, cell: (r) => (r.error ? { html: '', sort: '' } : { html: formatCount(pick(r)), sort: String(pick(r)) }),
});

const COLUMNS: Column[] = [
  { title: 'Workload', numeric: false, cell: (r) => ({ html: `<a href="#${h(workloadAnchor(r.workload))}">${h(r.workload)}</a>`, sort: r.workload }) },
  { title: 'Category', numeric: false, cell: (r) => ({ html: h(r.category), sort: r.category }) },
  { title: 'Engine', numeric: false, cell: (r) => ({ html: h(r.engine) + engineBadge(r.mode), sort: r.engine }) },
  {
    title: 'Overhead', numeric: true,
    cell: (r) => (r.error ? { html: `<span class="failed">failed: ${h(r.error)}</span>`, sort: '' } : { html: h(formatOverhead(r.overheadPct)), sort: r.overheadPct === null ? '' : String(r.overheadPct) }),
  },
  count('Cycles', (r) => r.cycles.total),
  count('VM exits', (r) => r.exits.total),
  count('Hypercalls', (r) => r.hypercalls.total),
  count('TLB flushes', (r) => r.tlb.flushes.total),
  count('TLB misses', (r) => r.tlb.misses),
  count('Walk refs', (r) => r.tlb.walkRefs),
  {
    title: 'Top mechanism', numeric: false,
    cell: (r) => {
      const top = topMechanisms(r, 1)[0];
      return top ? { html: `${h(top.mechanism)} <span class="muted">${formatShare(top.share)}</span>`, sort: top.mechanism } : { html: '', sort: '' };
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
  const head = COLUMNS.map((c) => `<th${c.numeric ? ' class="num" data-type="number"' : ''}><button type="button">${h(c.title)}</button></th>`).join('');
  const rows: string[] = [];
  for (const w of workloadList(results)) {
    for (const engine of engineLabels(results)) {
      const run = findRun(results, w.id, engine);
      if (!run) continue;
      const cells = COLUMNS.map((c) => {
        const { html, sort } = c.cell(run);
        return `<td${c.numeric ? ' class="num"' : ''} data-sort="${h(sort)}">${html}</td>`;
      });
      rows.push(`<tr>${cells.join('')}</tr>`);
    }
  }
  return `<table class="sortable" id="runs-table"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
