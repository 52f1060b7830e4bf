// What a human-readable comparison report shows, shared by the text and Markdown forms: the rows worth a line
// (regressions and changes, worst first), the timings that stayed within noise, how many counters were
// identical, and the method notes.
import type { Comparison, MetricRow } from './compare.ts';
import { TIMING_METRIC } from './metrics.ts';

export interface ReportSections {
  /** ❌ and ⚠️ rows, worst first */
  changed: MetricRow[];
  /** ✅ timing rows that moved: shown so the reader sees the noise that was tested */
  quietTimings: MetricRow[];
  /** ✅ rows with no difference at all, summarised as a count */
  identicalCount: number;
  /** how each kind of metric was judged */
  method: string[];
}

export const TABLE_HEADER = ['', 'Run', 'Metric', 'Base', 'Head', 'Δ', 'Δ%', 'Threshold', 'Note'] as const;

export function reportSections(comparison: Comparison): ReportSections {
  const changed = comparison.rows.filter((r) => r.status !== 'ok');
  const quietTimings = comparison.rows.filter((r) => r.status === 'ok' && r.metric === TIMING_METRIC && r.delta !== 0);
  const identicalCount = comparison.rows.filter((r) => r.status === 'ok' && !quietTimings.includes(r)).length;
  const method = [
    'Counters are deterministic and compared exactly; higher is worse; overheadPct is judged in percentage points (pp), every other counter relative to BASE.',
    comparison.timingTest === null
      ? 'Timings were not judged.'
      : `Timings (timing.meanMs) regress only when over the threshold and significant: ${comparison.timingTest} on the retained samples.`,
  ];
  return { changed, quietTimings, identicalCount, method };
}
