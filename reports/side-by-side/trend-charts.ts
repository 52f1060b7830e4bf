// The history view of several results files: one line chart per workload category, its headline metric
// (the geometric mean of engine ÷ native cycles, reports/side-by-side/model.ts) per engine across the files
// in the order given, in each engine family's fixed colour.
import type { ChartConfiguration } from 'chart.js';
import type { NamedChart } from '../types.ts';
import { CHART_WIDTH, slug } from '../charts/common.ts';
import { resultsEngineColors } from '../charts/palette.ts';
import { categoryGeomean, trendAxes, type NamedResults } from './model.ts';

/** `×1.23 (+23.0 %)` */
function ratioText(ratio: number): string {
  const pct = (ratio - 1) * 100;
  return `×${ratio.toFixed(3)} (${pct < 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)} %)`;
}

/** `labels`: how the x axis names each file (default: its number and name) */
export function trendCharts(files: readonly NamedResults[], labels = files.map((f, i) => `${i + 1}: ${f.name}`)): NamedChart[] {
  const colors = resultsEngineColors(...files.map((f) => f.results));
  const { categories, engines } = trendAxes(files);
  const taken = new Set<string>();
  return categories.map((category) => {
    const datasets = engines.map((engine) => {
      const values = files.map((f) => categoryGeomean(f.results, category, engine));
      return {
        label: engine, data: values, borderColor: colors.get(engine)!, backgroundColor: colors.get(engine)!, pointRadius: 4, spanGaps: false,
        hvbenchTooltips: values.map((v) => (v === null ? '' : ratioText(v))),
      };
    }).filter((d) => d.data.some((v) => v !== null));
    const title = `${category} workloads: geometric mean of engine ÷ native cycles, per results file`;
    const config = {
      type: 'line',
      data: { labels, datasets },
      options: {
        plugins: { title: { display: true, text: title, font: { size: 16, weight: 'bold' } }, legend: { position: 'top' } },
        scales: { y: { type: 'linear', title: { display: true, text: 'engine cycles ÷ native cycles (1 = native)' } } },
      },
    } as ChartConfiguration;
    return { id: `trend-${slug(category, taken)}`, group: 'trend', category, title, config, width: CHART_WIDTH, height: 360 };
  });
}
