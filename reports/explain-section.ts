// The "Step by step" section of report.html: for each micro workload of a results file, its operation's path
// on each simulated engine side by side, as `hvbench explain ENGINE micro/…` prints it (harness/explain/).
// Explaining re-runs one operation with this hvbench on the results' profile and seed, so the section is left
// out when the profile cannot be loaded here. Workloads whose setup maps more than SETUP_LIMIT bytes
// (micro/cold-access, micro/set-page-table) are left out: their setup would cost seconds for one operation.
import type { ResultsFile } from '../harness/results.ts';
import type { ReportSection } from './types.ts';
import { loadCatalog, type Catalog } from '../harness/catalog.ts';
import { explain, scenarioFor, type Explanation } from '../harness/explain/explain.ts';
import { headline } from '../harness/explain/format-text.ts';
import { escapeHtml as h } from './escape.ts';
import { formatCount } from './format.ts';

const SETUP_LIMIT = 16 * 1024 * 1024;
/** steps listed per engine before the rest is summed in one line */
const STEPS_SHOWN = 24;

function cell(x: Explanation): string {
  const rows: string[] = [];
  let folded = 0;
  let foldedCycles = 0;
  let steps = 0;
  for (const e of x.entries) {
    if (e.kind === 'charge') steps++;
    if (steps > STEPS_SHOWN) {
      if (e.kind === 'charge') {
        folded++;
        foldedCycles += e.cycles;
      }
      continue;
    }
    rows.push(e.kind === 'charge'
      ? `<tr><td>${h(e.domain)}</td><td><code>${h(e.mechanism)}</code></td><td class="num">${formatCount(e.cycles)}</td></tr>`
      : `<tr><td></td><td colspan="2">· ${h(Object.entries(e.counts).map(([k, n]) => (n === 1 ? k : `${k} ×${formatCount(n)}`)).join(', '))}</td></tr>`);
  }
  if (folded > 0) rows.push(`<tr><td></td><td>… ${folded} more steps</td><td class="num">${formatCount(foldedCycles)}</td></tr>`);
  rows.push(`<tr><td></td><td><b>total</b></td><td class="num"><b>${formatCount(x.counters.cycles.total)}</b></td></tr>`);
  return `<td style="vertical-align:top"><p>${h(headline(x))}</p><table>${rows.join('')}</table></td>`;
}

function setupBytes(catalog: Catalog, workload: string, seed: number): number {
  return scenarioFor(catalog, workload, seed).setup.reduce((sum, op) => sum + (op.op === 'map' ? op.bytes : 0), 0);
}

export async function explainSections(results: ResultsFile): Promise<ReportSection[]> {
  let catalog: Catalog;
  try {
    catalog = await loadCatalog({ profile: results.profile, engineModules: [], workloadFiles: [] });
  } catch {
    return [];
  }
  const engines = results.engines.filter((e) => e.mode === 'simulated' && catalog.engines.some((c) => c.id === e.id && c.phases));
  const micro = results.workloads.filter((w) => w.category === 'micro' && catalog.workloads.some((c) => c.id === w.id));
  const blocks: string[] = [];
  for (const w of micro) {
    if (setupBytes(catalog, w.id, results.seed) > SETUP_LIMIT) continue;
    const cells: string[] = [];
    for (const e of engines) cells.push(cell(await explain(catalog, e.label, w.id, results.seed)));
    blocks.push(`<details><summary>${h(w.id)}: ${h(w.title)}</summary><div style="overflow-x:auto"><table><tr>${cells.join('')}</tr></table></div></details>`);
  }
  if (blocks.length === 0) return [];
  const html =
    `<p>One operation of each micro workload, after one of the same as a warm-up, on each simulated engine: the mechanisms in the ` +
    `order the engine charges them, with cycles, and what was counted between them (<code>hvbench explain ENGINE WORKLOAD</code> prints ` +
    `the same). Computed by this hvbench on profile ${h(results.profile)} and seed ${results.seed} when the report was rendered.</p>` +
    blocks.join('');
  return [{ id: 'explain', title: 'Step by step: one operation per micro workload', html, charts: [] }];
}
