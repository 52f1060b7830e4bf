// Small HTML fragments shared by the report.html parts.
import { escapeHtml as h } from '../escape.ts';
import type { NamedChart } from '../types.ts';

/** the `measured` badge for runs of a measured engine; empty for simulated ones */
export function engineBadge(mode: 'simulated' | 'measured'): string {
  return mode === 'measured' ? '<span class="badge" title="measured on real hardware through /dev/kvm: noisy, not deterministic">measured</span>' : '';
}

/** a chart's canvas; report.html's client script finds its config under the same id */
export function chartFigure(chart: NamedChart): string {
  if (chart.omitted !== undefined) return `<p class="muted chart-omitted">${h(chart.omitted)}</p>`;
  const notes = (chart.notes ?? []).map((n) => `<p class="note chart-note">${h(n)}</p>`).join('');
  return `<figure class="chart"><div style="height:${chart.height}px"><canvas id="chart-${h(chart.id)}" role="img" aria-label="${h(chart.title)}"></canvas></div>${notes}</figure>`;
}
