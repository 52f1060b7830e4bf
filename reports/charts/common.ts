// The one bar-chart builder every chart definition goes through: a fixed palette, data-only options (no
// callbacks, so the config is JSON for report.html), and a size that grows with the number of bars.
import type { ChartConfiguration } from 'chart.js';
import type { NamedChart } from '../types.ts';

/** Tableau 10 then a second, lighter set: distinct and colour-blind friendly enough for stacked bars */
export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f4e79', '#a05d00', '#8c1c1f', '#2f6f6a', '#2e6b26', '#9a8200', '#6b3f63', '#c45b69', '#5c4331', '#6e6864',
];

export function color(index: number): string {
  return PALETTE[index % PALETTE.length];
}

export const CHART_WIDTH = 1000;

export interface Series {
  name: string;
  values: (number | null)[];
  color: string;
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
  /** for group 'category': the workload category whose section shows the chart */
  category?: string;
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
      datasets: spec.series.map((s) => ({ label: s.name, data: s.values, backgroundColor: s.color, borderWidth: 0 })),
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
