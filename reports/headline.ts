// One line per workload category that says who wins there, for readers who look at nothing else:
// "kvm lower overhead than xen in 7 of 9 workloads; geometric mean of kvm ÷ xen cycles ×0.62". The pair is the
// plain xen and kvm engines when both ran, else the first two engines measured against native. The geometric
// mean of per-workload cycle ratios is the mean that does not depend on which engine is the reference
// (Fleming & Wallace, "How not to lie with statistics", CACM 29(3), 1986). Runs that measure nothing the workload
// meant (reports/meaningful.ts) are left out and named.
import type { ResultsFile } from '../harness/results.ts';
import { categories, comparedEngines, findRun, workloadList } from './model.ts';
import { notMeaningful } from './meaningful.ts';

export interface CategoryHeadline {
  category: string;
  /** the reference engine and the one judged against it */
  reference: string;
  engine: string;
  /** workloads where `engine` has the lower overhead, of `compared` */
  lower: number;
  compared: number;
  /** geometric mean over the compared workloads of engine cycles ÷ reference cycles */
  geomean: number;
  /** workloads left out because a run is not meaningful */
  leftOut: string[];
  text: string;
}

function pair(results: ResultsFile): [string, string] | null {
  const engines = comparedEngines(results);
  if (engines.includes('xen') && engines.includes('kvm')) return ['xen', 'kvm'];
  return engines.length >= 2 ? [engines[0], engines[1]] : null;
}

export function categoryHeadlines(results: ResultsFile): CategoryHeadline[] {
  const engines = pair(results);
  if (!engines) return [];
  const [reference, engine] = engines;
  return categories(results).flatMap((category) => {
    let lower = 0, compared = 0, logSum = 0;
    const leftOut: string[] = [];
    for (const w of workloadList(results).filter((x) => x.category === category)) {
      const a = findRun(results, w.id, reference);
      const b = findRun(results, w.id, engine);
      if (!a || !b || a.error || b.error || a.overheadPct === null || b.overheadPct === null) continue;
      if (notMeaningful(results, a) || notMeaningful(results, b)) { leftOut.push(w.id); continue; }
      compared++;
      if (b.overheadPct < a.overheadPct) lower++;
      logSum += Math.log(b.cycles.total / a.cycles.total);
    }
    if (compared === 0) return [];
    const geomean = Math.exp(logSum / compared);
    const text = `${engine} lower overhead than ${reference} in ${lower} of ${compared} workload${compared === 1 ? '' : 's'}; ` +
      `geometric mean of ${engine} ÷ ${reference} cycles ×${geomean.toFixed(2)}` +
      (leftOut.length > 0 ? ` (not compared: ${leftOut.join(', ')}, not meaningful on a PV domU)` : '');
    return [{ category, reference, engine, lower, compared, geomean, leftOut, text }];
  });
}
