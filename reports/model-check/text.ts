// The model check in summary.md and on the terminal: what differs beyond tolerance, with its reason, and
// what was left out; the full per-reason table is in report.html.
import type { ResultsFile } from '../../harness/results.ts';
import { formatCount } from '../format.ts';
import { ABSOLUTE_TOLERANCE, modelCheck, RELATIVE_TOLERANCE } from './rows.ts';

function lines(results: ResultsFile, bullet: string, code: (s: string) => string): string[] {
  const check = modelCheck(results);
  if (check.rows.length === 0 && check.excluded.length === 0) return [];
  const flagged = check.rows.filter((r) => !r.agrees);
  const out = [
    `Model check (simulated kvm vs measured; tolerance ${RELATIVE_TOLERANCE * 100} % or ${ABSOLUTE_TOLERANCE} exits): ` +
      `${check.rows.length - flagged.length} of ${check.rows.length} counts agree, ${flagged.filter((r) => !r.why).length} differ without a known reason.`,
  ];
  for (const e of check.engines) {
    out.push(`${bullet}${e.engine}: backend ${e.backend}${e.timingsNote ? `; timings not representative: ${e.timingsNote}` : ''}${e.cpuNote ? `; ${e.cpuNote}` : ''}`);
  }
  for (const r of flagged) {
    out.push(`${bullet}${code(r.workload)} on ${r.engine}, ${r.phase}, ${code(r.what)}: simulated ${formatCount(r.simulated)}, measured ${formatCount(r.measured)} — ${r.why ?? 'not explained'}`);
  }
  for (const e of check.excluded) {
    out.push(`${bullet}${code(e.workload)} on ${e.engine} not compared: skipped ${Object.entries(e.skipped).map(([op, n]) => `${op} ×${n}`).join(', ')}`);
  }
  return out;
}

export function modelCheckMarkdown(results: ResultsFile): string[] {
  const out = lines(results, '- ', (s) => `\`${s.replace(/`/g, "'")}\``);
  return out.length ? ['', '**Model check**', '', out[0], '', ...out.slice(1)] : [];
}

export function modelCheckTerminal(results: ResultsFile): string {
  const out = lines(results, '  ', (s) => s);
  return out.length ? `\n${out.join('\n')}\n` : '';
}
