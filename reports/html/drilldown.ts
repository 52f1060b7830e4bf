// One workload in report.html: what it does, each engine's overhead and the mechanisms behind it ("why is xen
// slower here?"), its exit and hypercall tables, and every counter side by side per engine.
import type { ResultsFile, RunResult, WorkloadInfo } from '../../harness/results.ts';
import { COUNTER_GROUPS, groupKeys, groupValue } from '../counters.ts';
import { escapeHtml as h } from '../escape.ts';
import { formatCount, formatOverhead, formatShare } from '../format.ts';
import { engineLabels, findRun, topMechanisms } from '../model.ts';
import { exitTablesHtml } from './exit-tables.ts';
import { engineBadge } from './fragments.ts';
import { workloadAnchor } from './runs-table.ts';

const TOP = 5;

function why(run: RunResult): string {
  if (run.error || run.overheadPct === null) return '';
  const top = topMechanisms(run, TOP);
  if (top.length === 0) return `<p><b>${h(run.engine)}</b>${engineBadge(run.mode)} is not slower than native here (${h(formatOverhead(run.overheadPct))}).</p>`;
  const rows = top.map((m) => `<tr><td><code>${h(m.mechanism)}</code></td><td class="num">${formatCount(m.cycles)}</td>` +
    `<td class="num">${formatShare(m.share)}</td><td><span class="bar" style="width:${Math.round(m.share * 160)}px"></span></td></tr>`);
  return `<h4>Why is ${h(run.engine)} slower here? <span class="muted">${h(formatOverhead(run.overheadPct))}</span>${engineBadge(run.mode)}</h4>` +
    `<table class="why"><thead><tr><th>Mechanism</th><th class="num">Cycles over native</th><th class="num">Share of overhead</th><th></th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`;
}

function countersTable(runs: RunResult[]): string {
  const head = runs.map((r) => `<th class="num">${h(r.engine)}${engineBadge(r.mode)}</th>`).join('');
  const body: string[] = [];
  for (const group of COUNTER_GROUPS) {
    const keys = groupKeys(group, runs);
    if (keys.length === 0) continue;
    body.push(`<tr class="group"><th colspan="${runs.length + 1}">${h(group.title)}</th></tr>`);
    for (const key of keys) {
      const cells = runs.map((r) => `<td class="num">${r.error ? '' : formatCount(groupValue(group, r, key))}</td>`).join('');
      body.push(`<tr><td>${h(key)}</td>${cells}</tr>`);
    }
    if (group.prefix === 'tlb.') {
      const perMiss = runs.map((r) => `<td class="num">${r.tlb.misses > 0 ? (r.tlb.walkRefs / r.tlb.misses).toFixed(2) : ''}</td>`).join('');
      body.push(`<tr><td>walk refs per miss</td>${perMiss}</tr>`);
    }
  }
  return `<table class="counters"><thead><tr><th>Counter</th>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
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
${runs.map(why).filter(Boolean).join('\n')}
${exitTablesHtml(results, runs)}
<details><summary>Counters side by side</summary>
${countersTable(runs)}
</details>
</article>`;
}
