// The one bar-chart builder every chart definition goes through: fixed colours (palette.ts), data-only options
// (no callbacks, so the config is JSON for report.html), and a size that grows with the number of bars.
// Tooltip texts travel as data too: a dataset's `hvbenchTooltips[i]` is what report.html's client script
// (reports/html/assets.ts) shows for bar i.
import type { ChartConfiguration } from 'chart.js';
import type { NamedChart } from '../types.ts';
import { seriesColor } from './palette.ts';

/** the shared series palette by index (reports/power/section.ts colours its policies with it) */
export function color(index: number): string {
  return seriesColor(index);
}

export const CHART_WIDTH = 1000;

export interface Series {
  name: string;
  values: (number | null)[];
  color: string;
  /** per bar, the tooltip text after the series name (e.g. `+31.9 %, 463,942,306 cycles`) */
  tooltips?: string[];
}

export interface BarSpec {
  id: string;
  group: NamedChart['group'];
  title: string;
  labels: string[];
  series: Series[];
  stacked: boolean;
  /** bars along the y axis: for many, long labels */
  horizontal: boolean;
  valueTitle: string;
  /** chart.js logarithmic value axis from `min` (> 0): for values spanning orders of magnitude */
  log?: { min: number };
  /** where the bars start on the value axis (default: the axis' own base, 0 or the log axis' minimum) */
  base?: number;
  /** for group 'category' and 'attribution': the workload category whose section shows the chart */
  category?: string;
  /** sentences shown under the chart: what it leaves out and why */
  notes?: string[];
}

export function barChart(spec: BarSpec): NamedChart {
  const valueAxis = {
    type: spec.log ? ('logarithmic' as const) : ('linear' as const),
    stacked: spec.stacked,
    title: { display: true, text: spec.valueTitle },
    ...(spec.log ? { min: spec.log.min } : { beginAtZero: true }),
  };
  const categoryAxis = { type: 'category' as const, stacked: spec.stacked, ticks: { autoSkip: false } };
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({
        label: s.name, data: s.values, backgroundColor: s.color, borderWidth: 0,
        ...(spec.base !== undefined ? { base: spec.base } : {}),
        ...(s.tooltips ? { hvbenchTooltips: s.tooltips } : {}),
      })),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16, weight: 'bold' } },
        legend: { position: 'top' },
      },
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    },
  };
  const height = spec.horizontal ? Math.max(320, 150 + 26 * spec.labels.length) : 480;
  return {
    id: spec.id, group: spec.group, title: spec.title, config: config as ChartConfiguration, width: CHART_WIDTH, height,
    ...(spec.category !== undefined ? { category: spec.category } : {}),
    ...(spec.notes && spec.notes.length > 0 ? { notes: spec.notes } : {}),
  };
}

/** `kvm:mmu=shadow` → `kvm-mmu-shadow`; unique among `taken` */
export function slug(text: string, taken: Set<string>): string {
  const base = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
