// Every chart of a results file, in report order, with those too big to draw omitted (limits.ts). Built once;
// reports/png.ts and reports/html.ts draw them.
import type { ResultsFile } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { categoryOverheadCharts, overheadChart } from './overhead.ts';
import { exitsChart, flushesChart, hypercallsChart, trapsChart } from './counters.ts';
import { attributionCharts } from './attribution.ts';
import { limitCharts } from './limits.ts';

export function buildCharts(results: ResultsFile): NamedChart[] {
  const optional = [exitsChart(results), trapsChart(results), hypercallsChart(results), flushesChart(results)].filter((c): c is NamedChart => c !== null);
  return limitCharts([overheadChart(results), ...categoryOverheadCharts(results), ...optional, ...attributionCharts(results)]);
}
