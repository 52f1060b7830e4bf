// One workload in report.html: what it does, each engine's overhead and the mechanisms behind it ("why is xen
// slower here?"), its exit and hypercall tables, and every counter side by side per engine.
import type { ResultsFile, RunResult, WorkloadInfo } from '../../harness/results.ts';
import { COUNTER_GROUPS, SETUP_COUNTER_GROUPS, groupKeys, groupValue, type CounterGroup } from '../counters.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead, formatSignedCount, formatSignedPct } from '../format.ts';
import { OTHER_MECHANISMS, engineLabels, findRun, overheadBreakdown, trapEngines } from '../model.ts';
import { perOpLine } from '../per-op.ts';
import { exitTablesHtml } from './exit-tables.ts';
import { engineBadge } from './fragments.ts';
import { workloadAnchor } from './runs-table.ts';

const TOP = 5;

/** kvm-unit-tests style: `kvm: 1,776 cycles per cpuid vs 150 native`, one line per engine */
function perOp(results: ResultsFile, workload: WorkloadInfo, runs: RunResult[]): string {
  const lines = runs.map((r) => [r, perOpLine(results, workload, r)] as const).filter(([, line]) => line !== '');
  if (lines.length === 0) return '';
  return `<p class="per-op">Measured phase, per operation: ${lines.map(([r, line]) => `<b>${h(r.engine)}</b> ${h(line)}`).join(' · ')}</p>`;
}

function why(run: RunResult): string {
  if (run.error || run.overheadPct === null) return '';
  const breakdown = overheadBreakdown(run, TOP);
  if (breakdown === null) return `<p><b>${h(run.engine)}</b>${engineBadge(run.mode)} is not slower than native here (${h(formatOverhead(run.overheadPct))}).</p>`;
  const widest = Math.max(...breakdown.rows.map((m) => Math.abs(m.share)));
  const rows = breakdown.rows.map((m) => {
    const saving = m.cycles < 0;
    const name = m.mechanism === OTHER_MECHANISMS ? h(m.mechanism) : `<code>${h(m.mechanism)}</code>`;
    return `<tr${saving ? ' class="saving"' : ''}><td>${name}${saving ? ' <span class="muted">(saves against native)</span>' : ''}</td>` +
      `<td class="num">${formatSignedCount(m.cycles)}</td><td class="num">${formatSignedPct(m.pct)}</td>` +
      `<td><span class="bar${saving ? ' saving' : ''}" style="width:${Math.round((Math.abs(m.share) / widest) * 160)}px"></span></td></tr>`;
  });
  const total = `<tr class="total"><td>Total: the overhead</td><td class="num">${formatSignedCount(breakdown.total)}</td><td class="num">100 %</td><td></td></tr>`;
  return `<h4>Why is ${h(run.engine)} slower here? <span class="muted">${h(formatOverhead(run.overheadPct))}</span>${engineBadge(run.mode)}</h4>` +
    `<table class="why"><thead><tr><th>Mechanism</th><th class="num">Cycles over native</th><th class="num">Share of overhead</th><th></th></tr></thead>` +
    `<tbody>${rows.join('')}${total}</tbody></table>`;
}

/** a group's title, naming the engines whose exits are traps into the hypervisor (Xen PV), not VM exits */
function groupTitle(group: CounterGroup, traps: string[]): string {
  return traps.length > 0 && group.prefix.includes('exits.') ? group.title.replace('VM exits', `VM exits / traps (${traps.join(', ')})`) : group.title;
}

function countersTable(results: ResultsFile, runs: RunResult[], groups: readonly CounterGroup[]): string {
  const head = runs.map((r) => `<th class="num">${h(r.engine)}${engineBadge(r.mode)}</th>`).join('');
  const body: string[] = [];
  const trapping = trapEngines(results);
  const traps = runs.filter((r) => trapping.has(r.engine)).map((r) => r.engine);
  for (const group of groups) {
    const keys = groupKeys(group, runs);
    if (keys.length === 0) continue;
    body.push(`<tr class="group"><th colspan="${runs.length + 1}">${h(groupTitle(group, traps))}</th></tr>`);
    for (const key of keys) {
      const cells = runs.map((r) => `<td class="num">${r.error ? '' : formatCount(groupValue(group, r, key))}</td>`).join('');
      body.push(`<tr><td>${h(key)}</td>${cells}</tr>`);
    }
    if (group.prefix.endsWith('tlb.')) {
      const perMiss = runs.map((r) => `<td class="num">${r.tlb.misses > 0 ? (r.tlb.walkRefs / r.tlb.misses).toFixed(2) : ''}</td>`).join('');
      body.push(`<tr><td>walk refs per miss</td>${perMiss}</tr>`);
    }
  }
  return `<table class="counters"><thead><tr><th>Counter</th>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** the setup phase apart: the VM's boot and what the workload prepared, not part of any overhead */
function setupTable(results: ResultsFile, runs: RunResult[]): string {
  const withSetup = runs.filter((r) => r.setup && !r.error);
  if (withSetup.length === 0) return '';
  const cycles = withSetup.map((r) => `${h(r.engine)} ${formatCount(r.setup!.cycles.total)}`).join(', ');
  return `<details><summary>Setup (boot and preparation, not in the overhead): cycles ${cycles}</summary>
${countersTable(results, withSetup, SETUP_COUNTER_GROUPS)}
</details>`;
}

function params(run: RunResult | undefined): string {
  if (!run || Object.keys(run.params).length === 0) return '';
  return `<p class="muted">Parameters: ${Object.entries(run.params).map(([k, v]) => `<code>${h(k)}=${h(v)}</code>`).join(' ')}</p>`;
}

export function workloadArticle(results: ResultsFile, workload: WorkloadInfo): string {
  const runs = engineLabels(results).map((e) => findRun(results, workload.id, e)).filter((r): r is RunResult => r !== undefined);
  const failures = runs.filter((r) => r.error).map((r) => `<p class="failed">${h(r.engine)} failed: ${h(r.error)}</p>`);
  return `<article class="workload" id="${h(workloadAnchor(workload.id))}">
<h3>${h(workload.title)} <code>${h(workload.id)}</code></h3>
<p>${h(workload.description)}</p>
${params(runs[0])}
${failures.join('\n')}
${perOp(results, workload, runs)}
${runs.map(why).filter(Boolean).join('\n')}
${exitTablesHtml(results, runs)}
<details><summary>Counters side by side (measured phase)</summary>
${countersTable(results, runs, COUNTER_GROUPS)}
</details>
${setupTable(results, runs)}
</article>`;
}
