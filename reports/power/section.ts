// The power-management section of report.html (docs/architecture.md#power): a summary table per scenario and its charts —
// CPU 0's frequency over time in the Hagimont scenario in 100 ms means and, zoomed, step by step (one chart
// each per engine), delivered vs entitled capacity per VM (one per engine), and energy against fairness for
// every policy (marker per design).
import type { ChartConfiguration } from 'chart.js';
import type { ResultsFile } from '../../harness/results.ts';
import type { ReportSection } from '../types.ts';
import type { PowerDesign, PowerInterval, PowerResults, PowerRun } from '../../engines/power/types.ts';
import { PHASE_ROBUST_PCT, PHASE_ROBUST_PTS } from '../../engines/power/suite.ts';
import { powerResultsSchema } from '../../engines/power/schema.ts';
import { POWER_POLICIES, POLICY_TITLES } from '../../engines/power/policies.ts';
import { UsageError } from '../../harness/errors.ts';
import { escapeHtml } from '../escape.ts';
import { formatInterval } from '../format.ts';
import { color } from '../charts/common.ts';

const SCHEDULER_TITLES: Record<PowerRun['scheduler'], string> = { credit2: 'credit2 scheduler', credit: 'credit1 scheduler', cfs: 'host CFS' };
const CPUFREQ_TITLES: Record<PowerRun['cpufreq'], string> = {
  xen: "Xen's own ondemand (cpufreq=xen)",
  'dom0-kernel': "Dom0's Linux ondemand, seeing only Dom0's load (cpufreq=dom0-kernel)",
  schedutil: 'host schedutil',
  hwp: 'intel_pstate active: the CPU picks P-states under HWP',
  'amd-pstate': 'amd-pstate active: the CPU picks P-states under CPPC',
};

/** the engines of the power runs, in run order */
function enginesOf(power: PowerResults): string[] {
  return [...new Set(power.runs.map((r) => r.engine))];
}

function engineTitle(run: PowerRun): string {
  return `${run.engine}: ${SCHEDULER_TITLES[run.scheduler]}, ${CPUFREQ_TITLES[run.cpufreq]}`;
}
/** the scenario whose frequency trace is drawn: the one that shows the unfairness, when it ran */
const TRACE_SCENARIO = 'hagimont-capped';

function traceScenario(power: PowerResults): string {
  return power.scenarios.some((s) => s.id === TRACE_SCENARIO) ? TRACE_SCENARIO : (power.scenarios[0]?.id ?? TRACE_SCENARIO);
}

function title(text: string) {
  return { display: true, text };
}

function frequencyChart(power: PowerResults, engine: string): ChartConfiguration {
  const scenario = traceScenario(power);
  const runs = power.runs.filter((r) => r.scenario === scenario && r.engine === engine);
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
      plugins: { title: title(`${scenario}, ${engine}: CPU 0 frequency over time (MHz, ${bucketMs} ms means)`) },
      scales: {
        x: { title: { display: true, text: 'simulated time (s)' } },
        y: { title: { display: true, text: 'MHz' }, min: 0 },
      },
    },
  };
}

/** CPU 0 step by step over the zoom window: the 10 ms flapping the 100 ms means hide */
function zoomChart(power: PowerResults, engine: string): ChartConfiguration {
  const scenario = traceScenario(power);
  const runs = power.runs.filter((r) => r.scenario === scenario && r.engine === engine);
  const zoom = runs[0]?.freqZoom ?? { fromMs: 0, stepMs: 1, mhz: [] };
  return {
    type: 'line',
    data: {
      labels: zoom.mhz.map((_, i) => String(zoom.fromMs + i * zoom.stepMs)),
      datasets: runs.map((r) => ({
        label: r.policy,
        data: r.freqZoom.mhz,
        borderColor: color(POWER_POLICIES.indexOf(r.policy)),
        backgroundColor: color(POWER_POLICIES.indexOf(r.policy)),
        pointRadius: 0,
        borderWidth: 1.5,
        stepped: true,
      })),
    },
    options: {
      animation: false,
      plugins: { title: title(`${scenario}, ${engine}: CPU 0 frequency, every ${zoom.stepMs} ms step from ${zoom.fromMs} ms (zoom)`) },
      scales: {
        x: { title: { display: true, text: 'simulated time (ms)' } },
        y: { title: { display: true, text: 'MHz' }, min: 0 },
      },
    },
  };
}

function deliveredChart(power: PowerResults, engine: string): ChartConfiguration {
  const labels = power.scenarios.flatMap((s) => s.vms.map((vm) => `${s.id}/${vm.id}`));
  return {
    type: 'bar',
    data: {
      labels,
      datasets: POWER_POLICIES.map((policy, i) => ({
        label: policy,
        backgroundColor: color(i),
        data: power.scenarios.flatMap((s) => {
          const run = power.runs.find((r) => r.scenario === s.id && r.engine === engine && r.policy === policy);
          return s.vms.map((vm) => run?.vms.find((x) => x.vm === vm.id)?.deliveredOfEntitledPct ?? 0);
        }),
      })),
    },
    options: {
      animation: false,
      plugins: { title: title(`${engine}: capacity delivered, % of entitlement (the booking, limited to what the VM asked for)`) },
      scales: { y: { title: { display: true, text: '% of entitlement' }, min: 0 } },
    },
  };
}

const DESIGNS: readonly PowerDesign[] = ['xen', 'kvm'];
const DESIGN_MARKERS: Record<PowerDesign, 'circle' | 'triangle'> = { xen: 'circle', kvm: 'triangle' };

function energyFairnessChart(power: PowerResults): ChartConfiguration {
  const baseline = (r: PowerRun) =>
    power.runs.find((b) => b.scenario === r.scenario && b.engine === r.engine && b.policy === 'performance')?.energyJ ?? r.energyJ;
  // colour per policy, marker per design; each point's tooltip names its scenario and engine
  const datasets = POWER_POLICIES.flatMap((policy, i) =>
    DESIGNS.map((design) => {
      const runs = power.runs.filter((r) => r.policy === policy && r.design === design);
      return {
        label: `${policy} (${design})`,
        backgroundColor: color(i),
        borderColor: color(i),
        pointStyle: DESIGN_MARKERS[design],
        pointRadius: 6,
        data: runs.map((r) => ({ x: (100 * r.energyJ) / baseline(r), y: r.fairness })),
        hvbenchTooltips: runs.map((r) => `${r.scenario} on ${r.engine}: ${fmt((100 * r.energyJ) / baseline(r), 1)} % energy, fairness ${fmt(r.fairness, 3)}`),
      };
    }).filter((d) => d.data.length > 0),
  );
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      plugins: { title: title('Energy vs fairness: each point is one scenario on one engine (circle: xen, triangle: kvm)') },
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

/** mean [lo–hi] of a 95 % interval */
function withInterval(i: PowerInterval, digits: number): string {
  return formatInterval(i, (n) => fmt(n, digits));
}

function summaryTable(power: PowerResults): string {
  const n = power.stats[0]?.seeds.length ?? 1;
  const head =
    `<tr><th>scenario</th><th>engine</th><th>policy</th><th>energy (J), mean [95 % interval] over ${n} seeds</th><th>avg power (W)</th>` +
    '<th>fairness, mean [95 % interval]</th><th>P-state transitions</th><th>held by the power limit (% of CPU-time)</th><th>guest requests</th><th>SLA misses</th>' +
    '<th>least served VM (% of booking, mean [95 % interval])</th><th>sampling phase</th></tr>';
  const limited = new Set(power.scenarios.filter((s) => s.rapl !== null).map((s) => s.id));
  const rows = power.runs.map((r, i) => {
    const stat = power.stats[i];
    const least = stat.vms.reduce((a, b) => (b.deliveredOfBookedPct.mean < a.deliveredOfBookedPct.mean ? b : a), stat.vms[0]);
    const misses = r.vms.reduce((s, v) => s + v.slaMisses, 0);
    const phase = stat.phase.robust
      ? 'robust'
      : `moves ${fmt(stat.phase.deliveredSpreadPts, 1)} pts, ${fmt(stat.phase.energySpreadPct, 1)} % energy`;
    const cells = [
      r.scenario,
      r.engine,
      r.policy,
      withInterval(stat.energyJ, 1),
      fmt(r.avgPowerW, 2),
      withInterval(stat.fairness, 3),
      String(r.transitions),
      limited.has(r.scenario) ? fmt(100 * r.raplThrottled, 1) : '—',
      String(r.guestRequests),
      String(misses),
      least ? `${least.vm}: ${withInterval(least.deliveredOfBookedPct, 1)}` : '',
      phase,
    ];
    return `<tr>${cells.map((c, i) => (i < 3 ? `<td>${escapeHtml(c)}</td>` : `<td class="num">${escapeHtml(c)}</td>`)).join('')}</tr>`;
  });
  const offsets = power.stats[0]?.phase.offsetsMs.join(', ') ?? '0';
  return (
    `<table class="power-summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` +
    `<p>Transitions, guest requests, SLA misses and the charts are the first seed's. "Sampling phase": the first seed ` +
    `again with the ondemand sampling timers armed ${escapeHtml(offsets)} ms after the start; robust when no VM's share ` +
    `of its booking moves by more than ${PHASE_ROBUST_PTS} points and energy by more than ${PHASE_ROBUST_PCT} %.</p>`
  );
}

/** the C-states idle cores choose from, or the label for a profile without that data */
function idleNote(power: PowerResults): string {
  return power.cStates.length > 0
    ? `C-states ${power.cStates.join(' / ')}`
    : "no C-state data: an idle core enters the profile's one idle state and leaves it at no cost";
}

/** what the scenario's host adds to the profile: turbo, a package power limit */
function hostNote(s: PowerResults['scenarios'][number]): string {
  const notes = [
    ...(s.turbo ? ['turbo on'] : []),
    ...(s.rapl ? [`package limit PL1 ${s.rapl.pl1Watts} W over ${s.rapl.tauMs} ms, PL2 ${s.rapl.pl2Watts} W over ${s.rapl.pl2WindowMs} ms`] : []),
  ];
  return notes.length > 0 ? ` [host: ${notes.join('; ')}]` : '';
}

function intro(power: PowerResults): string {
  const designs = enginesOf(power)
    .map((e) => `<li>${escapeHtml(engineTitle(power.runs.find((r) => r.engine === e)!))}</li>`)
    .join('');
  const policies = POWER_POLICIES.map((p) => `<li><code>${escapeHtml(p)}</code>: ${escapeHtml(POLICY_TITLES[p])}</li>`).join('');
  const scenarios = power.scenarios
    .map((s) => `<li><strong>${escapeHtml(s.title)}</strong> (<code>${escapeHtml(s.id)}</code>): ${escapeHtml(s.description)}${escapeHtml(hostNote(s))}</li>`)
    .join('');
  return (
    `<p>Simulated power management on profile <code>${escapeHtml(power.profile)}</code> (P-states ` +
    `${escapeHtml(power.pStatesMhz.join(' / '))} MHz; ${escapeHtml(idleNote(power))}), seeds ${escapeHtml(power.stats[0]?.seeds.join(', ') ?? power.seed)}, ${escapeHtml(power.stepMs)} ms steps. ` +
    `Capacity is counted in cycles at f_max, P0's base clock: a VM that booked 50 % of a CPU is owed half of the CPU's f_max cycles ` +
    `(with turbo on, a VM can receive more than it booked).</p>` +
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
  const engines = enginesOf(power);
  return [
    {
      id: 'power',
      title: 'Power management: DVFS, governor conflicts and fairness to VMs',
      html: intro(power) + summaryTable(power),
      charts: [
        ...engines.map((e) => frequencyChart(power, e)),
        ...engines.map((e) => zoomChart(power, e)),
        ...engines.map((e) => deliveredChart(power, e)),
        energyFairnessChart(power),
      ],
    },
  ];
}
