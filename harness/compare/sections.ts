// What a human-readable comparison report shows, shared by the text and Markdown forms: the rows worth a line
// (regressions and changes, worst first), the power rows worth a line in their own table, the timings that
// stayed within noise, how many values were identical, and the method notes.
import type { Comparison } from './compare.ts';
import { TIMING_METRIC } from './metrics.ts';
import type { MetricRow, PowerRow } from './row.ts';

export interface ReportSections {
  /** ❌ and ⚠️ rows, worst first */
  changed: MetricRow[];
  /** ❌ and ⚠️ rows of the power section, worst first */
  powerChanged: PowerRow[];
  /** ✅ timing rows that moved: shown so the reader sees the noise that was tested */
  quietTimings: MetricRow[];
  /** ✅ rows with no difference at all (power rows included), summarised as a count */
  identicalCount: number;
  /** how each kind of metric was judged */
  method: string[];
}

/** the column headers of a table whose subjects are called `subject` ("Run", "Power run") */
export function tableHeader(subject: string): readonly string[] {
  return ['', subject, 'Metric', 'Base', 'Head', 'Δ', 'Δ%', 'Threshold', 'Note'];
}

export const TABLE_HEADER = tableHeader('Run');
export const POWER_TABLE_HEADER = tableHeader('Power run');

export function reportSections(comparison: Comparison): ReportSections {
  const changed = comparison.rows.filter((r) => r.status !== 'ok');
  const powerChanged = comparison.power.rows.filter((r) => r.status !== 'ok');
  const quietTimings = comparison.rows.filter((r) => r.status === 'ok' && r.metric === TIMING_METRIC && r.delta !== 0);
  const identicalCount =
    comparison.rows.filter((r) => r.status === 'ok' && !quietTimings.includes(r)).length + comparison.power.rows.filter((r) => r.status === 'ok').length;
  const method = [
    'Counters are deterministic and compared exactly; higher is worse; overheadPct is judged in percentage points (pp), every other counter relative to BASE.',
    comparison.timingTest === null
      ? "Wall-clock timings (the simulator's own speed) were not judged: select them with --metric timing.meanMs=PCT."
      : `Timings (timing.meanMs) regress only when over the threshold and significant: ${comparison.timingTest} on the retained samples.`,
  ];
  if (comparison.power.presence !== 'neither') {
    method.push(
      'Power metrics are deterministic model output, compared exactly and relative to BASE; energy, power, transitions, guest requests and SLA misses are worse higher, delivered-of-booked/entitled shares worse lower; fairness (Jain, 0..1) is worse lower and judged in points of the index × 100 (pp).',
    );
  }
  return { changed, powerChanged, quietTimings, identicalCount, method };
}
