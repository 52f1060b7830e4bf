// The model check of report.html (docs/architecture.md#measured-engines): for every workload run both by the simulated `kvm` engine and by
// the measured `kvm-host` engine, the exits the measured VMM saw next to the simulation's count of the same
// reason, and the vCPU's total exits from KVM's own statistics next to the simulation's total. A count that
// differs by more than the tolerance is flagged: either the model or the host backend does something else.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { ReportSection } from '../types.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount } from '../format.ts';

/** a count agrees when within 5 % or 2 exits of the other: setup and teardown add a few exits either way */
const RELATIVE_TOLERANCE = 0.05;
const ABSOLUTE_TOLERANCE = 2;

export interface ModelCheckRow {
  workload: string;
  /** VMX exit reason, or `total (KVM stats)` */
  what: string;
  simulated: number;
  measured: number;
  agrees: boolean;
}

function agrees(a: number, b: number): boolean {
  const diff = Math.abs(a - b);
  return diff <= ABSOLUTE_TOLERANCE || diff <= RELATIVE_TOLERANCE * Math.max(a, b);
}

function vcpuExitStat(run: RunResult): number | undefined {
  const stats = (run.measured?.kvmStats as { vcpu?: Record<string, number> } | undefined)?.vcpu;
  return typeof stats?.exits === 'number' ? stats.exits : undefined;
}

/** the simulated run to check a measured one against: plain `kvm` first, else any kvm variant */
function simulatedPeer(results: ResultsFile, workload: string): RunResult | undefined {
  const candidates = results.runs.filter((r) => r.workload === workload && r.engineId === 'kvm' && !r.error);
  return candidates.find((r) => r.engine === 'kvm') ?? candidates[0];
}

export function modelCheckRows(results: ResultsFile): ModelCheckRow[] {
  const rows: ModelCheckRow[] = [];
  for (const measured of results.runs.filter((r) => r.engineId === 'kvm-host' && !r.error)) {
    const sim = simulatedPeer(results, measured.workload);
    if (!sim) continue;
    for (const [reason, count] of Object.entries(measured.exits.byReason)) {
      const simulated = sim.exits.byReason[reason] ?? 0;
      rows.push({ workload: measured.workload, what: reason, simulated, measured: count, agrees: agrees(simulated, count) });
    }
    const total = vcpuExitStat(measured);
    if (total !== undefined) {
      rows.push({ workload: measured.workload, what: 'total (KVM stats)', simulated: sim.exits.total, measured: total, agrees: agrees(sim.exits.total, total) });
    }
  }
  return rows;
}

function backendNote(results: ResultsFile): string {
  const run = results.runs.find((r) => r.engineId === 'kvm-host' && r.measured);
  const backend = (run?.measured?.backend as { label?: string } | undefined)?.label;
  const note = run?.measured?.timingsNote;
  return `<p>Backend: <b>${h(backend ?? 'unknown')}</b>.${typeof note === 'string' ? ` ${h(note)}.` : ''}</p>`;
}

export function modelCheckSections(results: ResultsFile): ReportSection[] {
  const rows = modelCheckRows(results);
  if (rows.length === 0) return [];
  const flagged = rows.filter((r) => !r.agrees).length;
  const body = rows
    .map((r) => `<tr><td>${h(r.workload)}</td><td><code>${h(r.what)}</code></td><td class="num">${formatCount(r.simulated)}</td>` +
      `<td class="num">${formatCount(r.measured)}</td><td>${r.agrees ? '✅ agrees' : '⚠️ disagrees'}</td></tr>`)
    .join('');
  const html =
    `<p>Exits the measured VMM saw (<code>kvm-host</code>) next to the simulated <code>kvm</code> engine's count of the same ` +
    `reason, and the vCPU's total exits from KVM's binary statistics next to the simulated total. ` +
    `${flagged === 0 ? 'Every count agrees' : `${flagged} of ${rows.length} counts disagree`} ` +
    `(tolerance ${RELATIVE_TOLERANCE * 100} % or ${ABSOLUTE_TOLERANCE} exits). In-kernel exits (CPUID, MSR, EPT) never reach the VMM, ` +
    `so only the total can check them; a software backend may not count them at all.</p>` +
    backendNote(results) +
    `<table class="counters"><thead><tr><th>Workload</th><th>Exit</th><th class="num">simulated kvm</th>` +
    `<th class="num">measured kvm-host</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
  return [{ id: 'model-check', title: 'Model check: simulated kvm vs measured kvm-host', html, charts: [] }];
}
