// The model checks (KVM: rows.ts, Xen: xen-rows.ts) in summary.md and on the terminal: what differs beyond
// tolerance, with its reason, and what was left out; the full per-reason tables are in report.html.
import type { ResultsFile } from '../../harness/results.ts';
import { formatCount } from '../format.ts';
import { ABSOLUTE_TOLERANCE, modelCheck, RELATIVE_TOLERANCE } from './rows.ts';
import { XEN_ABSOLUTE_TOLERANCE, XEN_RELATIVE_TOLERANCE, xenCheckRows } from './xen-rows.ts';

/** the Xen side (xen-rows.ts): the same summary line, then each difference beyond tolerance with its reason */
function xenLines(results: ResultsFile, bullet: string, code: (s: string) => string): string[] {
  const rows = xenCheckRows(results);
  if (rows.length === 0) return [];
  const flagged = rows.filter((r) => !r.agrees);
  return [
    `Model check (simulated xen vs measured xen-qemu; tolerance ${XEN_RELATIVE_TOLERANCE * 100} % or ${XEN_ABSOLUTE_TOLERANCE}): ` +
      `${rows.length - flagged.length} of ${rows.length} counts agree, ${flagged.filter((r) => !r.reason).length} differ without a known reason.`,
    ...flagged.map((r) => `${bullet}${code(r.workload)} on xen-qemu, ${r.phase}, ${code(r.what)}: simulated ${formatCount(r.simulated)}, measured ${formatCount(r.measured)} — ${r.reason ?? 'not explained'}`),
  ];
}

function kvmLines(results: ResultsFile, bullet: string, code: (s: string) => string): string[] {
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

/** each side's block: its summary line first, then its bullets */
function blocks(results: ResultsFile, bullet: string, code: (s: string) => string): string[][] {
  return [kvmLines(results, bullet, code), xenLines(results, bullet, code)].filter((b) => b.length > 0);
}

export function modelCheckMarkdown(results: ResultsFile): string[] {
  const parts = blocks(results, '- ', (s) => `\`${s.replace(/`/g, "'")}\``);
  return parts.length ? ['', '**Model check**', ...parts.flatMap((b) => ['', b[0], '', ...b.slice(1)])] : [];
}

export function modelCheckTerminal(results: ResultsFile): string {
  const parts = blocks(results, '  ', (s) => s);
  return parts.length ? `\n${parts.map((b) => b.join('\n')).join('\n')}\n` : '';
}
