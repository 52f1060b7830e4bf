// How much a report draws. A bar chart gets taller with every bar (26 px each, reports/charts/common.ts): a
// results file with 20,000 workloads asked for canvases hundreds of thousands of pixels tall, which
// @napi-rs/canvas cannot allocate ("The canvas has no pixels") after minutes of work and gigabytes. Past these
// limits a chart is omitted and a note stands in its place in report.html; every number stays in the tables
// and in results.csv.
import type { NamedChart } from '../types.ts';

/** bars (category labels) one chart may have: 200 horizontal bars are a 5,350 px tall PNG */
export const MAX_CHART_BARS = 200;
/** charts one report draws (the default suite draws 10); one per engine or category past this is omitted */
export const MAX_CHARTS = 40;

/** the chart with its data dropped and the reason it is not drawn */
export function omitChart(chart: NamedChart, why: string): NamedChart {
  return { ...chart, config: { type: chart.config.type, data: { datasets: [] } }, omitted: `${chart.title}: not drawn (${why}); the tables and results.csv have every value` };
}

/** charts over MAX_CHART_BARS bars, and every chart after the first MAX_CHARTS, omitted */
export function limitCharts(charts: readonly NamedChart[]): NamedChart[] {
  let drawn = 0;
  return charts.map((chart) => {
    const bars = chart.config.data.labels?.length ?? 0;
    if (bars > MAX_CHART_BARS) return omitChart(chart, `${bars} bars, more than the ${MAX_CHART_BARS} a chart can show`);
    if (++drawn > MAX_CHARTS) return omitChart(chart, `only the first ${MAX_CHARTS} charts of a report are drawn`);
    return chart;
  });
}
