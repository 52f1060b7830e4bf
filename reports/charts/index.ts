// Every chart of a results file, in report order, with those too big to draw omitted (limits.ts). Built once;
// reports/png.ts and reports/html.ts draw them.
import type { ResultsFile } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { categoryOverheadCharts, overheadChart } from './overhead.ts';
import { exitsCharts, flushesCharts, hypercallsCharts, trapsCharts } from './counters.ts';
import { attributionCharts } from './attribution.ts';
import { limitCharts } from './limits.ts';

export function buildCharts(results: ResultsFile): NamedChart[] {
  const counters = [...exitsCharts(results), ...trapsCharts(results), ...hypercallsCharts(results), ...flushesCharts(results)];
  return limitCharts([overheadChart(results), ...categoryOverheadCharts(results), ...attributionCharts(results), ...counters]);
}
