// A run over several seeds (`run --seeds`) in report.html and summary.md: per category and engine the headline
// metric's mean and 95 % interval over the seeds, then per run each metric of harness/seeds.ts the same way.
// The rest of the report shows the first seed's runs.
import type { ResultsFile } from '../../harness/results.ts';
import { SEED_METRICS, type SeedMetric, type SeedStat } from '../../harness/seeds.ts';
import type { ReportSection } from '../types.ts';
import { escapeHtml as h, escapeMarkdownCell as cell } from '../escape.ts';
import { categories, comparedEngines } from '../model.ts';
import { formatCount, formatInterval, formatOverhead, formatStat } from '../format.ts';
import { categoryInterval } from './model.ts';
import { htmlTable, markdownTable, type TextTable } from '../text-table.ts';

const METRIC_TITLES: Record<SeedMetric, string> = {
  overheadPct: 'Overhead', cycles: 'Cycles', exits: 'Exits / traps', hypercalls: 'Hypercalls',
  tlbFlushes: 'TLB flushes', tlbMisses: 'TLB misses', walkRefs: 'Walk refs',
};

/** a counter's mean is a whole number when every seed agrees, a fraction otherwise */
function countText(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : formatStat(n);
}

function statText(metric: SeedMetric, stat: SeedStat): string {
  if (stat.interval === null) return stat.values.some((v) => v !== null) ? 'failed in a seed' : '—';
  return formatInterval(stat.interval, metric === 'overheadPct' ? formatOverhead : countText);
}

interface Table extends TextTable {
  caption: string;
}

function tables(results: ResultsFile): Table[] {
  const seeds = results.seeds!.seeds;
  const engines = comparedEngines(results);
  const headline: Table = {
    caption: `Over ${seeds.length} seeds (${seeds.join(', ')}): the geometric mean of engine ÷ native cycles per category, mean [95 % interval]; ` +
      `the rest of the report shows seed ${seeds[0]}.`,
    header: ['Category', ...engines],
    numericFrom: 1,
    rows: categories(results).map((c) => [c, ...engines.map((e) => {
      const i = categoryInterval(results, c, e);
      return i === null ? '—' : formatInterval(i, (n) => `×${n.toFixed(3)}`);
    })]),
  };
  const metrics = Object.keys(SEED_METRICS) as SeedMetric[];
  const runs: Table = {
    caption: `Each run over the ${seeds.length} seeds: mean [95 % Student-t interval]; one value where every seed gave the same.`,
    header: ['Workload', 'Engine', ...metrics.map((m) => METRIC_TITLES[m])],
    numericFrom: 2,
    rows: results.seeds!.runs.map((r) => [r.workload, r.engine, ...metrics.map((m) => statText(m, r.metrics[m]))]),
  };
  return [headline, runs];
}

/** report.html's seeds section; none for a run of one seed */
export function seedsSections(results: ResultsFile): ReportSection[] {
  if (!results.seeds) return [];
  const html = tables(results).map((t) => `<p>${h(t.caption)}</p>${htmlTable(t)}`).join('\n');
  return [{ id: 'seeds', title: `Over ${results.seeds.seeds.length} seeds`, html, charts: [] }];
}

/** summary.md's lines for a run over several seeds (none for one seed) */
export function seedsMarkdown(results: ResultsFile): string[] {
  if (!results.seeds) return [];
  return tables(results).flatMap((t) => ['', cell(t.caption), '', ...markdownTable(t)]);
}
