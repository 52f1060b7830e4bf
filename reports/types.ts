// Shared shapes of the report renderers. A `ReportSection` is the extension point for extra report.html
// sections (e.g. the power-management section, reports/power/section.ts): the renderer places `html` as given
// (the provider must have escaped every user-provided string, with reports/escape.ts) and draws `charts` below it.
import type { ChartConfiguration } from 'chart.js';

export interface ReportSection {
  /** anchor id, unique in the page: [a-z0-9-]+ */
  id: string;
  /** plain text; the renderer escapes it */
  title: string;
  /** HTML fragment, already escaped by the provider */
  html: string;
  /** plain data (JSON-serialisable, no callbacks); also written as charts/<id>-<n>.png */
  charts: ChartConfiguration[];
}

/** one chart definition, rendered to charts/<id>.png and drawn in report.html */
export interface NamedChart {
  /** file-name stem: [a-z0-9-]+ */
  id: string;
  title: string;
  /** plain data (JSON-serialisable, no callbacks): the same object is drawn on @napi-rs/canvas and in the page */
  config: ChartConfiguration;
  /** where report.html places it */
  group: 'overhead' | 'category' | 'counters' | 'attribution' | 'section' | 'trend';
  /** groups 'category' and 'attribution': the workload category whose section shows it */
  category?: string;
  /** shown under the chart in report.html: runs it leaves out and why */
  notes?: string[];
  /** CSS pixels; the PNG has exactly this size */
  width: number;
  height: number;
  /** set when the chart is too big to draw (reports/charts/limits.ts): why, shown in its place; no PNG is written */
  omitted?: string;
}
