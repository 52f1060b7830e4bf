// Overhead against native by workload (x) and engine (one bar each): the report's headline chart.
import type { ResultsFile } from '../../harness/results.ts';
import type { NamedChart } from '../types.ts';
import { comparedEngines, engineLabels, findRun, workloadList } from '../model.ts';
import { barChart, color } from './common.ts';

export function overheadChart(results: ResultsFile): NamedChart {
  const all = engineLabels(results);
  const workloads = workloadList(results);
  return barChart({
    group: 'overhead',
    id: 'overhead',
    title: 'Overhead against native, by workload and engine',
    labels: workloads.map((w) => w.id),
    series: comparedEngines(results).map((engine) => ({
      name: engine,
      color: color(all.indexOf(engine)),
      values: workloads.map((w) => findRun(results, w.id, engine)?.overheadPct ?? null),
    })),
    stacked: false,
    horizontal: false,
    valueTitle: 'overhead (%)',
  });
}
