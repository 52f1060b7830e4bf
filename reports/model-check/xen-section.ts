// The Xen model check of report.html: the simulated `xen` engine beside real Xen (`xen-qemu`) per workload
// and counter, phase by phase (xen-rows.ts), with the tolerance and the known reason for each flagged difference.
import type { ResultsFile } from '../../harness/results.ts';
import type { ReportSection } from '../types.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount } from '../format.ts';
import { XEN_ABSOLUTE_TOLERANCE, XEN_RELATIVE_TOLERANCE, xenCheckRows } from './xen-rows.ts';

export function xenModelCheckSections(results: ResultsFile): ReportSection[] {
  const rows = xenCheckRows(results);
  if (rows.length === 0) return [];
  const flagged = rows.filter((r) => !r.agrees);
  const unexplained = flagged.filter((r) => !r.reason).length;
  const backend = results.runs.find((r) => r.engineId === 'xen-qemu' && r.measured)?.measured?.backend as { label?: string } | undefined;
  const body = rows
    .map((r) => `<tr><td>${h(r.workload)}</td><td>${h(r.phase)}</td><td><code>${h(r.what)}</code></td><td class="num">${formatCount(r.simulated)}</td>` +
      `<td class="num">${formatCount(r.measured)}</td><td>${r.agrees ? '✅ agrees' : '⚠️ differs'}</td><td>${h(r.reason ?? '')}</td></tr>`)
    .join('');
  const html =
    `<p>Hypercalls, PV traps and paging events of real Xen (<code>xen-qemu</code>: ${h(backend?.label ?? 'Xen under QEMU')}), ` +
    `counted inside the op-runner's operation windows, beside the simulated <code>xen</code> engine phase by phase: the measured ` +
    `phase beside the model's, setup (the operations before the stream's <code>phase</code>) beside the model's setup less its boot, ` +
    `and what xen-qemu can only count over the whole run beside the model's whole run less its boot; ` +
    `a run in a domU (<code>xen-qemu:guest=domu</code>) adds the split driver's events and dom0's hypercalls (<code>dom0:&lt;op&gt;</code>). ` +
    `${flagged.length === 0 ? 'Every count agrees' : `${flagged.length} of ${rows.length} counts differ, ${unexplained} without a known reason`} ` +
    `(tolerance ${XEN_RELATIVE_TOLERANCE * 100} % or ${XEN_ABSOLUTE_TOLERANCE}). Compare with the profile that matches the emulated CPU ` +
    `(<code>--profile amd-modern</code>: QEMU's <code>max</code> CPU under TCG is AMD-like, so Xen runs without XPTI).</p>` +
    `<table class="counters"><thead><tr><th>Workload</th><th>Phase</th><th>Counter</th><th class="num">simulated xen</th>` +
    `<th class="num">measured xen-qemu</th><th></th><th>Why</th></tr></thead><tbody>${body}</tbody></table>`;
  return [{ id: 'xen-model-check', title: 'Model check: simulated xen vs real Xen (xen-qemu)', html, charts: [] }];
}
