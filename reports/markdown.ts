// summary.md: a Markdown table fit for a pull request — per workload the overhead of each engine against
// native, and the mechanisms that cause most of it.
import type { ResultsFile } from '../harness/results.ts';
import { escapeMarkdownCell as cell } from './escape.ts';
import { formatOverhead, formatShare } from './format.ts';
import { comparedEngines, findRun, topMechanisms, workloadList } from './model.ts';

const TOP = 2;
/** mechanisms below this share of the overhead are noise in a one-line summary */
const MIN_SHARE = 0.05;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(results: ResultsFile): string {
  const engines = comparedEngines(results);
  const measured = new Set(results.runs.filter((r) => r.mode === 'measured').map((r) => r.engine));
  const header = ['Workload', ...engines.map((e) => cell(e) + (measured.has(e) ? ' (measured)' : '')), 'Top mechanisms'];
  const lines = [
    '## hvbench summary',
    '',
    `Overhead against native (cycles), profile \`${cell(results.profile)}\`, seed ${results.seed}, ` +
      `hvbench ${cell(results.tool.version)}, ${results.runs.length} runs.`,
    '',
    row(header),
    row(header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:'))),
  ];
  for (const w of workloadList(results)) {
    const overheads = engines.map((e) => {
      const run = findRun(results, w.id, e);
      if (!run) return '';
      return run.error ? 'failed' : formatOverhead(run.overheadPct);
    });
    const why = engines.flatMap((e) => {
      const run = findRun(results, w.id, e);
      const top = run && !run.error ? topMechanisms(run, TOP).filter((m) => m.share >= MIN_SHARE) : [];
      return top.length > 0 ? [`${cell(e)}: ${top.map((m) => `${cell(m.mechanism)} ${formatShare(m.share)}`).join(', ')}`] : [];
    });
    lines.push(row([cell(w.id), ...overheads, why.join('; ')]));
  }
  const failed = results.runs.filter((r) => r.error);
  if (failed.length > 0) {
    lines.push('', '**Failed runs**', '');
    for (const r of failed) lines.push(`- ${cell(r.workload)} on ${cell(r.engine)}: ${cell(r.error)}`);
  }
  return lines.join('\n') + '\n';
}
