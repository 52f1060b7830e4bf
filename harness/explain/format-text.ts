// `hvbench explain` on the terminal: a one-line path (mechanisms in order, what was counted in brackets), then
// one row per step with its domain, mechanism, cycles and share, counts on their own rows between the steps,
// and the total, which is the measured phase's cycles. A long path (a fork copies every table) keeps its first
// and last steps and folds the middle into one row holding the folded cycles, unless every step is asked for.
import type { Explanation } from './explain.ts';
import type { TraceEntry } from './step-recorder.ts';

/** rows shown before a path is folded, and how many of them come from its end */
const FOLD_AT = 60;
const FOLD_TAIL = 12;
/** steps named in the one-line path before it ends in "…" */
const PATH_STEPS = 14;

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

function countText(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, n]) => (n === 1 ? k : `${k} ×${fmt(n)}`)).join(', ');
}

/** `syscall → [hypercall iret] → syscall-pt-switch → …` */
export function pathLine(entries: readonly TraceEntry[]): string {
  const parts: string[] = [];
  let steps = 0;
  for (const e of entries) {
    if (steps === PATH_STEPS) {
      parts.push('…');
      break;
    }
    if (e.kind === 'charge') {
      parts.push(e.mechanism);
      steps++;
    } else {
      parts.push(`[${countText(e.counts)}]`);
    }
  }
  return parts.join(' → ');
}

export function headline(x: Explanation): string {
  const s = x.scenario;
  const how = s.cold === null ? 'one steady-state operation, after the same one as a warm-up' : `the first, cold one (${s.cold})`;
  const derived = s.derived === null ? '' : `; ${s.derived}`;
  return `${s.label} on ${x.engine} (${x.profile}): ${fmt(x.counters.cycles.total)} cycles, ${how}${derived}`;
}

export function renderExplainText(x: Explanation, all = false): string {
  const total = x.counters.cycles.total;
  const out = [headline(x), `  ${pathLine(x.entries)}`, ''];
  out.push(`  ${'step'.padStart(4)}  ${'domain'.padEnd(10)}  ${'mechanism'.padEnd(26)}  ${'cycles'.padStart(12)}  ${'share'.padStart(7)}`);
  const share = (c: number) => (total === 0 ? '' : `${((100 * c) / total).toFixed(1)} %`);
  const rows: string[] = [];
  let step = 0;
  for (const e of x.entries) {
    if (e.kind === 'charge') {
      step++;
      rows.push(`  ${String(step).padStart(4)}  ${e.domain.padEnd(10)}  ${e.mechanism.padEnd(26)}  ${fmt(e.cycles).padStart(12)}  ${share(e.cycles).padStart(7)}`);
    } else {
      rows.push(`  ${''.padStart(4)}  · ${countText(e.counts)}`);
    }
  }
  if (!all && rows.length > FOLD_AT) {
    const head = FOLD_AT - FOLD_TAIL;
    const folded = x.entries.slice(head, x.entries.length - FOLD_TAIL);
    const cycles = folded.reduce((sum, e) => sum + (e.kind === 'charge' ? e.cycles : 0), 0);
    const n = folded.filter((e) => e.kind === 'charge').length;
    const fold = `  ${''.padStart(4)}  … ${fmt(n)} more steps (--all shows them)`.padEnd(56) + `${fmt(cycles).padStart(12)}  ${share(cycles).padStart(7)}`;
    rows.splice(head, rows.length - head - FOLD_TAIL, fold);
  }
  out.push(...rows);
  out.push(`  ${''.padStart(4)}  ${'total'.padEnd(10)}  ${''.padEnd(26)}  ${fmt(total).padStart(12)}  ${(total === 0 ? '' : '100.0 %').padStart(7)}`);
  return `${out.join('\n')}\n`;
}
