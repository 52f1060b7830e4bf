// The power-management section of report.html (docs/architecture.md#power): a summary table per scenario and five charts —
// CPU 0's frequency over time in the Hagimont scenario (one chart per design), delivered vs entitled
// capacity per VM (one per design), and energy against fairness for every policy.
import type { ChartConfiguration } from 'chart.js';
import type { ResultsFile } from '../../harness/results.ts';
import type { ReportSection } from '../types.ts';
import type { PowerDesign, PowerResults, PowerRun } from '../../engines/power/types.ts';
import { powerResultsSchema } from '../../engines/power/schema.ts';
import { POWER_POLICIES, POLICY_TITLES } from '../../engines/power/policies.ts';
import { UsageError } from '../../harness/errors.ts';
import { escapeHtml } from '../escape.ts';
import { color } from '../charts/common.ts';

const DESIGNS: readonly PowerDesign[] = ['xen', 'kvm'];
const DESIGN_TITLES: Record<PowerDesign, string> = {
  xen: 'Xen: credit2 scheduler, in-hypervisor ondemand',
  kvm: 'KVM: host CFS, host schedutil',
};
/** the scenario whose frequency trace is drawn: the one that shows the unfairness */
const TRACE_SCENARIO = 'hagimont-capped';

function title(text: string) {
  return { display: true, text };
}

function frequencyChart(power: PowerResults, design: PowerDesign): ChartConfiguration {
  const runs = power.runs.filter((r) => r.scenario === TRACE_SCENARIO && r.design === design);
  const bucketMs = runs[0]?.freqTrace.bucketMs ?? 100;
  const points = runs[0]?.freqTrace.mhzByCpu[0]?.length ?? 0;
  return {
    type: 'line',
    data: {
      labels: Array.from({ length: points }, (_, i) => ((i * bucketMs) / 1000).toFixed(1)),
      datasets: runs.map((r) => ({
        label: r.policy,
        data: r.freqTrace.mhzByCpu[0],
        borderColor: color(POWER_POLICIES.indexOf(r.policy)),
        backgroundColor: color(POWER_POLICIES.indexOf(r.policy)),
        pointRadius: 0,
        borderWidth: 1.5,
      })),
    },
    options: {
      animation: false,
      plugins: { title: title(`${TRACE_SCENARIO}, ${design}: CPU 0 frequency over time (MHz, ${bucketMs} ms means)`) },
      scales: {
        x: { title: { display: true, text: 'simulated time (s)' } },
        y: { title: { display: true, text: 'MHz' }, min: 0 },
      },
    },
  };
}

function deliveredChart(power: PowerResults, design: PowerDesign): ChartConfiguration {
  const labels = power.scenarios.flatMap((s) => s.vms.map((vm) => `${s.id}/${vm.id}`));
  return {
    type: 'bar',
    data: {
      labels,
      datasets: POWER_POLICIES.map((policy, i) => ({
        label: policy,
        backgroundColor: color(i),
        data: power.scenarios.flatMap((s) => {
          const run = power.runs.find((r) => r.scenario === s.id && r.design === design && r.policy === policy);
          return s.vms.map((vm) => run?.vms.find((x) => x.vm === vm.id)?.deliveredOfEntitledPct ?? 0);
        }),
      })),
    },
    options: {
      animation: false,
      plugins: { title: title(`${design}: capacity delivered, % of entitlement (the booking, limited to what the VM asked for)`) },
      scales: { y: { title: { display: true, text: '% of entitlement' }, min: 0 } },
    },
  };
}

function energyFairnessChart(power: PowerResults): ChartConfiguration {
  const baseline = (r: PowerRun) =>
    power.runs.find((b) => b.scenario === r.scenario && b.design === r.design && b.policy === 'performance')?.energyJ ?? r.energyJ;
  return {
    type: 'scatter',
    data: {
      datasets: POWER_POLICIES.map((policy, i) => ({
        label: policy,
        backgroundColor: color(i),
        borderColor: color(i),
        pointRadius: 5,
        data: power.runs.filter((r) => r.policy === policy).map((r) => ({ x: (100 * r.energyJ) / baseline(r), y: r.fairness })),
      })),
    },
    options: {
      animation: false,
      plugins: { title: title('Energy vs fairness: each point is one scenario on one design') },
      scales: {
        x: { title: { display: true, text: 'energy, % of the same scenario under performance' } },
        y: { title: { display: true, text: "Jain's fairness index" }, max: 1 },
      },
    },
  };
}

function fmt(n: number, digits: number): string {
  return n.toFixed(digits);
}

function summaryTable(power: PowerResults): string {
  const head =
    '<tr><th>scenario</th><th>design</th><th>policy</th><th>energy (J)</th><th>avg power (W)</th><th>fairness</th>' +
    '<th>P-state transitions</th><th>guest requests</th><th>SLA misses</th><th>least served VM (% of entitlement)</th></tr>';
  const rows = power.runs.map((r) => {
    const least = r.vms.reduce((a, b) => (b.deliveredOfEntitledPct < a.deliveredOfEntitledPct ? b : a), r.vms[0]);
    const misses = r.vms.reduce((s, v) => s + v.slaMisses, 0);
    const cells = [
      r.scenario,
      r.design,
      r.policy,
      fmt(r.energyJ, 1),
      fmt(r.avgPowerW, 2),
      fmt(r.fairness, 3),
      String(r.transitions),
      String(r.guestRequests),
      String(misses),
      least ? `${least.vm}: ${fmt(least.deliveredOfEntitledPct, 1)}` : '',
    ];
    return `<tr>${cells.map((c, i) => (i < 3 ? `<td>${escapeHtml(c)}</td>` : `<td class="num">${escapeHtml(c)}</td>`)).join('')}</tr>`;
  });
  return `<table class="power-summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function intro(power: PowerResults): string {
  const designs = DESIGNS.map((d) => `<li>${escapeHtml(DESIGN_TITLES[d])}</li>`).join('');
  const policies = POWER_POLICIES.map((p) => `<li><code>${escapeHtml(p)}</code>: ${escapeHtml(POLICY_TITLES[p])}</li>`).join('');
  const scenarios = power.scenarios
    .map((s) => `<li><strong>${escapeHtml(s.title)}</strong> (<code>${escapeHtml(s.id)}</code>): ${escapeHtml(s.description)}</li>`)
    .join('');
  return (
    `<p>Simulated power management on profile <code>${escapeHtml(power.profile)}</code> (P-states ` +
    `${escapeHtml(power.pStatesMhz.join(' / '))} MHz), seed ${escapeHtml(power.seed)}, ${escapeHtml(power.stepMs)} ms steps. ` +
    `Capacity is counted in cycles at f_max: a VM that booked 50 % of a CPU is owed half of the CPU's f_max cycles.</p>` +
    `<ul>${designs}</ul><ul>${policies}</ul><ul>${scenarios}</ul>`
  );
}

/** the report sections for results.power; none when the run had no power suite */
export function powerSections(results: ResultsFile): ReportSection[] {
  if (results.power === undefined) return [];
  const parsed = powerResultsSchema.safeParse(results.power);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`results file: power.${issue.path.join('.')}: ${issue.message}`);
  }
  const power = parsed.data;
  return [
    {
      id: 'power',
      title: 'Power management: DVFS, governor conflicts and fairness to VMs',
      html: intro(power) + summaryTable(power),
      charts: [
        ...DESIGNS.map((d) => frequencyChart(power, d)),
        ...DESIGNS.map((d) => deliveredChart(power, d)),
        energyFairnessChart(power),
      ],
    },
  ];
}
