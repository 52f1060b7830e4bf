// A plain table (header, rows of text, the columns from `numericFrom` on right-aligned) as HTML, Markdown or
// terminal text: the seeds and sweep sections render the same rows in all three.
import { escapeHtml as h, escapeMarkdownCell as cell } from './escape.ts';

export interface TextTable {
  header: string[];
  rows: string[][];
  /** the first numeric (right-aligned) column */
  numericFrom: number;
}

export function htmlTable(t: TextTable): string {
  const cls = (i: number) => (i >= t.numericFrom ? ' class="num"' : '');
  return `<table><thead><tr>${t.header.map((x, i) => `<th${cls(i)}>${h(x)}</th>`).join('')}</tr></thead><tbody>` +
    t.rows.map((r) => `<tr>${r.map((x, i) => `<td${cls(i)}>${h(x)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
}

export function markdownTable(t: TextTable): string[] {
  return [`| ${t.header.map(cell).join(' | ')} |`, `| ${t.header.map((_, i) => (i < t.numericFrom ? '---' : '---:')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

export function terminalTable(t: TextTable): string[] {
  const widths = t.header.map((x, c) => Math.max(x.length, ...t.rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((x, c) => (c < t.numericFrom ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ').trimEnd();
  return [line(t.header), widths.map((w) => '─'.repeat(w)).join('──'), ...t.rows.map(line)];
}
