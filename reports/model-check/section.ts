// The model check of report.html (docs/architecture.md#measured-engines), from rows.ts: per workload and exit
// reason the simulated `kvm` count, the measured count, the difference, and the reason when they differ
// beyond tolerance; workloads left out because the guest skipped operations are listed with those
// operations. The backend and what its timings are worth head the section.
import type { ResultsFile } from '../../harness/results.ts';
import type { ReportSection } from '../types.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount } from '../format.ts';
import { ABSOLUTE_TOLERANCE, modelCheck, RELATIVE_TOLERANCE, type ModelCheck } from './rows.ts';

export { modelCheckRows, type ModelCheckRow } from './rows.ts';

const signed = (n: number) => (n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '0');

function verdict(r: ModelCheck['rows'][number]): string {
  if (r.agrees) return '✅ agrees';
  return r.why ? `ℹ️ ${h(r.why)}` : '⚠️ disagrees, not explained';
}

export function modelCheckSections(results: ResultsFile): ReportSection[] {
  const check = modelCheck(results);
  if (check.rows.length === 0 && check.excluded.length === 0) return [];
  const flagged = check.rows.filter((r) => !r.agrees);
  const unexplained = flagged.filter((r) => !r.why).length;
  const engines = check.engines
    .map((e) => `<p>${h(e.engine)}: backend <b>${h(e.backend)}</b>.${e.timingsNote ? ` Timings not representative: ${h(e.timingsNote)}.` : ''}${e.cpuNote ? ` CPU: ${h(e.cpuNote)}.` : ''}</p>`)
    .join('');
  const body = check.rows
    .map((r) => `<tr><td>${h(r.workload)}</td><td>${h(r.engine)}</td><td>${h(r.phase)}</td><td><code>${h(r.what)}</code></td>` +
      `<td class="num">${formatCount(r.simulated)}</td><td class="num">${formatCount(r.measured)}</td>` +
      `<td class="num">${signed(r.measured - r.simulated)}</td><td>${verdict(r)}</td></tr>`)
    .join('');
  const excluded = check.excluded.length === 0 ? '' :
    `<p>Not compared (the guest skipped operations the simulation ran): ${check.excluded
      .map((e) => `${h(e.workload)} on ${h(e.engine)} (${Object.entries(e.skipped).map(([op, n]) => `${h(op)} ×${n}`).join(', ')})`).join('; ')}.</p>`;
  const html =
    `<p>Exits counted on a real KVM next to the simulated <code>kvm</code> engine's count of the same reason. ` +
    `<code>kvm-qemu</code> counts every exit at L1's <code>kvm_exit</code> tracepoint, phase by phase: the measured phase (after the ` +
    `stream's <code>phase</code> operation) against the simulated measured phase, setup less the boot of a guest that runs nothing ` +
    `against the simulated setup less the model's boot; <code>kvm-host</code> counts the exits its VMM sees in ` +
    `user space and KVM's total, setup with the boot on both sides. ${flagged.length === 0 ? 'Every count agrees' : `${flagged.length} of ${check.rows.length} counts differ, ${unexplained} without a known reason`} ` +
    `(tolerance ${RELATIVE_TOLERANCE * 100} % or ${ABSOLUTE_TOLERANCE} exits). Compare with the simulated profile of the measured CPU ` +
    `(<code>--profile amd-modern</code> for kvm-qemu: QEMU emulates an AMD CPU with NPT and no AVIC).</p>` +
    engines + excluded +
    `<table class="counters"><thead><tr><th>Workload</th><th>Measured by</th><th>Phase</th><th>Exit</th><th class="num">simulated kvm</th>` +
    `<th class="num">measured</th><th class="num">difference</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
  return [{ id: 'model-check', title: 'Model check: simulated kvm vs measured KVM', html, charts: [] }];
}
